import "server-only";
import { cookies } from "next/headers";
import type { SessionUser } from "@/lib/schemas/auth";
import { getDb } from "@/server/db";
import { resolveSession, SESSION_COOKIE } from "@/server/services/auth/sessions";
import { setupRequired } from "@/server/services/auth/setup-token";

/** For server-rendered pages: where to send the visitor. Procedures authorize on their own. */
export async function currentUserOrRedirect(): Promise<
  { user: SessionUser } | { redirect: "/setup" | "/login" }
> {
  const db = await getDb();
  if (await setupRequired(db)) return { redirect: "/setup" };
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  const user = await resolveSession(db, token);
  return user ? { user } : { redirect: "/login" };
}
