import type { ApiToken } from "@/lib/schemas/api-tokens";
import type { apiTokens } from "@/server/db/schema";

type ApiTokenRow = typeof apiTokens.$inferSelect;

export function tokenStatus(row: Pick<ApiTokenRow, "revokedAt" | "expiresAt">, now = new Date()) {
  if (row.revokedAt) return "revoked" as const;
  if (row.expiresAt <= now) return "expired" as const;
  return "active" as const;
}

/** The public view of a token row: never the hash. */
export function toApiToken(row: ApiTokenRow, username: string): ApiToken {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    username,
    prefix: row.prefix,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    status: tokenStatus(row),
  };
}
