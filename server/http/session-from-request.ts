import "server-only";
import type { SessionUser } from "@/lib/schemas/auth";
import { type Db, getDb } from "@/server/db";
import { resolveSession, SESSION_COOKIE } from "@/server/services/auth/sessions";
import { readCookie } from "@/server/trpc/cookies";

/**
 * The signed-in user of a plain route handler (downloads), resolved from the session cookie
 * exactly as the tRPC context does; null when there is no valid session.
 */
export async function sessionFromRequest(req: Request): Promise<{ db: Db; user: SessionUser | null }> {
  const db = await getDb();
  const token = readCookie(req.headers.get("cookie"), SESSION_COOKIE);
  return { db, user: await resolveSession(db, token) };
}
