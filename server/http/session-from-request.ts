import type { SessionUser } from "@/lib/schemas/auth";
import { type Db, getDb } from "@/server/db";
import type { Actor } from "@/server/services/actor";
import { authenticateToken } from "@/server/services/api-tokens/authenticate-token";
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

/**
 * For route handlers (file uploads): the actor behind `Authorization: Bearer <api token>` (the
 * CLI) or else the session cookie (the browser), or null. As in the tRPC context, a presented
 * bearer token is the only credential considered.
 */
export async function actorFromRequest(db: Db, req: Request): Promise<Actor | null> {
  // The last hop is the one Next added from the socket; earlier entries are client-supplied.
  const address = req.headers.get("x-forwarded-for")?.split(",").at(-1)?.trim() || null;
  const header = req.headers.get("authorization");
  let user: SessionUser | null;
  if (header && /^bearer(\s|$)/i.test(header)) {
    const auth = await authenticateToken(db, header.slice(6).trim(), address);
    user = auth.ok ? auth.user : null;
  } else {
    user = await resolveSession(db, readCookie(req.headers.get("cookie"), SESSION_COOKIE));
  }
  if (!user) return null;
  return {
    userId: user.id,
    username: user.username,
    role: user.role,
    tenantId: user.tenantId,
    tenantName: user.tenantName,
    address,
  };
}
