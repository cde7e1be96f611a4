import { and, eq, gt, lt } from "drizzle-orm";
import type { SessionUser } from "@/lib/schemas/auth";
import { env } from "@/server/config/env";
import { randomToken, sha256Hex } from "@/server/crypto/tokens";
import type { Db } from "@/server/db";
import { sessions, tenants, users } from "@/server/db/schema";

export const SESSION_COOKIE = "hsm_console_session";

export interface NewSession {
  token: string;
  expiresAt: Date;
}

export async function createSession(db: Db, userId: string, address: string | null): Promise<NewSession> {
  const token = randomToken();
  const expiresAt = new Date(Date.now() + env().HSM_CONSOLE_SESSION_HOURS * 3600_000);
  await db.insert(sessions).values({ tokenHash: sha256Hex(token), userId, expiresAt, address });
  // Expired rows are swept on sign-in: no separate job needed.
  await db.delete(sessions).where(lt(sessions.expiresAt, new Date()));
  return { token, expiresAt };
}

/** The user behind a cookie value, or null when unknown, expired or the user is disabled. */
export async function resolveSession(db: Db, token: string | undefined): Promise<SessionUser | null> {
  if (!token || token.length > 100) return null;
  const [row] = await db
    .select({
      id: users.id,
      username: users.username,
      role: users.role,
      disabled: users.disabled,
      tenantId: tenants.id,
      tenantName: tenants.name,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .innerJoin(tenants, eq(tenants.id, users.tenantId))
    .where(and(eq(sessions.tokenHash, sha256Hex(token)), gt(sessions.expiresAt, new Date())));
  if (!row || row.disabled) return null;
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    tenantId: row.tenantId,
    tenantName: row.tenantName,
  };
}

export async function revokeSession(db: Db, token: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, sha256Hex(token)));
}

export async function revokeUserSessions(db: Db, userId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.userId, userId));
}
