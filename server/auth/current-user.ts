import "server-only";
import { headers } from "next/headers";
import type { SessionUser } from "@/lib/schemas/auth";
import { getDb } from "@/server/db";
import { PEER_HEADER } from "@/server/http/peer-address";
import { authenticate, credentialOf } from "@/server/http/request-guard";
import { setupRequired } from "@/server/services/auth/setup-token";

/** For server-rendered pages: where to send the visitor. Procedures authorize on their own. */
export async function currentUserOrRedirect(): Promise<
  { user: SessionUser } | { redirect: "/setup" | "/login" }
> {
  const db = await getDb();
  if (await setupRequired(db)) return { redirect: "/setup" };
  const list = await headers();
  const { user } = await authenticate(db, credentialOf(list), list.get(PEER_HEADER) || null);
  return user ? { user } : { redirect: "/login" };
}
