import { and, eq, isNull, lt, or } from "drizzle-orm";
import { API_TOKEN_PREFIX } from "@/lib/schemas/api-tokens";
import type { SessionUser } from "@/lib/schemas/auth";
import { sha256Hex } from "@/server/crypto/tokens";
import type { Db } from "@/server/db";
import { apiTokens, tenants, users } from "@/server/db/schema";
import { writeAudit } from "../audit/write-audit";
import { effectiveRole } from "./roles";
import { tokenStatus } from "./to-api-token";
import { cachedToken, rememberToken, type TokenRow } from "./token-cache";

export type TokenAuthentication =
  | { ok: true; user: SessionUser; tokenId: string }
  | { ok: false; message: string };

/** lastUsedAt is written at most once a minute per token: reads stay cheap under scripts. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** Successful lookups are cached briefly (token-cache.ts); unknown secrets always ask the database. */
async function lookUp(db: Db, hash: string): Promise<TokenRow | undefined> {
  const cached = cachedToken(hash);
  if (cached) return cached;
  const [row] = await db
    .select({ token: apiTokens, user: users, tenantName: tenants.name })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .innerJoin(tenants, eq(tenants.id, apiTokens.tenantId))
    .where(eq(apiTokens.tokenHash, hash));
  if (row) rememberToken(hash, row);
  return row;
}

/**
 * The user behind `Authorization: Bearer hsmc_…`, acting with the token's role capped by the
 * owner's current role. A refusal (unknown, expired, revoked, disabled owner) is audited as
 * denied; neither the secret nor its hash is ever written to the audit log or a log line.
 */
export async function authenticateToken(
  db: Db,
  secret: string,
  address: string | null,
): Promise<TokenAuthentication> {
  const row = secret.startsWith(API_TOKEN_PREFIX) && secret.length <= 100 ? await lookUp(db, sha256Hex(secret)) : undefined;
  const status = row ? tokenStatus(row.token) : "unknown";
  const refusal =
    status === "unknown"
      ? "This API token is not valid."
      : status === "revoked"
        ? "This API token has been revoked. Create a new one in Administration > API tokens."
        : status === "expired"
          ? "This API token has expired. Create a new one in Administration > API tokens."
          : row?.user.disabled
            ? "The account that owns this API token is disabled."
            : null;
  if (refusal || !row) {
    await writeAudit(db, {
      tenantId: row?.token.tenantId ?? null,
      actorId: row?.user.id ?? null,
      actorName: row ? `${row.user.username} (API token ${row.token.name})` : "anonymous (API token)",
      address,
      action: "auth.token",
      objectType: "apitoken",
      objectId: row?.token.id ?? null,
      objectName: row?.token.name ?? null,
      outcome: "denied",
      detail: { code: "UNAUTHENTICATED", message: refusal },
      unauthenticated: true,
    });
    return { ok: false, message: refusal ?? "This API token is not valid." };
  }
  const lastUsed = row.token.lastUsedAt?.getTime() ?? 0;
  // The row just read says whether the minute has passed: most calls write nothing at all.
  if (Date.now() - lastUsed >= LAST_USED_RESOLUTION_MS) {
    row.token.lastUsedAt = new Date();
    await db
      .update(apiTokens)
      .set({ lastUsedAt: new Date() })
      .where(
        and(
          eq(apiTokens.id, row.token.id),
          or(
            isNull(apiTokens.lastUsedAt),
            lt(apiTokens.lastUsedAt, new Date(Date.now() - LAST_USED_RESOLUTION_MS)),
          ),
        ),
      );
  }
  return {
    ok: true,
    tokenId: row.token.id,
    user: {
      id: row.user.id,
      username: row.user.username,
      role: effectiveRole(row.token.role, row.user.role),
      tenantId: row.token.tenantId,
      tenantName: row.tenantName,
    },
  };
}
