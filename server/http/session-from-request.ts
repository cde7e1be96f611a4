import type { SessionUser } from "@/lib/schemas/auth";
import type { Db } from "@/server/db";
import type { Actor } from "@/server/services/actor";
import { resolveSession, SESSION_COOKIE } from "@/server/services/auth/sessions";
import { readCookie } from "@/server/trpc/cookies";

/** For route handlers (file uploads/downloads): the actor behind the session cookie, or null. */
export async function actorFromRequest(db: Db, req: Request): Promise<Actor | null> {
  const user: SessionUser | null = await resolveSession(
    db,
    readCookie(req.headers.get("cookie"), SESSION_COOKIE),
  );
  if (!user) return null;
  return {
    userId: user.id,
    username: user.username,
    role: user.role,
    tenantId: user.tenantId,
    tenantName: user.tenantName,
    // The last hop is the one Next added from the socket; earlier entries are client-supplied.
    address: req.headers.get("x-forwarded-for")?.split(",").at(-1)?.trim() || null,
  };
}
