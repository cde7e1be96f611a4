import { AppError } from "@/lib/errors";
import {
  API_TOKEN_PREFIX,
  type ApiToken,
  type CreateApiTokenInput,
  ZCreateApiTokenInput,
} from "@/lib/schemas/api-tokens";
import { randomToken, sha256Hex } from "@/server/crypto/tokens";
import type { Db } from "@/server/db";
import { apiTokens } from "@/server/db/schema";
import type { Actor } from "../actor";
import { roleWithin } from "./roles";
import { toApiToken } from "./to-api-token";

/** Characters of the secret kept in clear to tell tokens apart ("hsmc_" + 4). */
const SHOWN_PREFIX_LENGTH = API_TOKEN_PREFIX.length + 4;

/**
 * A token for the acting user, never for someone else. The secret is returned here once and
 * stored only as SHA-256 (256 random bits need no slow hash).
 */
export async function createApiToken(
  db: Db,
  actor: Actor,
  raw: CreateApiTokenInput,
): Promise<ApiToken & { secret: string }> {
  const input = ZCreateApiTokenInput.parse(raw);
  if (!roleWithin(input.role, actor.role)) {
    throw new AppError(
      "FORBIDDEN",
      `A token cannot have more rights than you: choose ${actor.role} or read-only.`,
      { field: "role" },
    );
  }
  const secret = `${API_TOKEN_PREFIX}${randomToken()}`;
  const [row] = await db
    .insert(apiTokens)
    .values({
      tenantId: actor.tenantId,
      userId: actor.userId,
      name: input.name,
      role: input.role,
      tokenHash: sha256Hex(secret),
      prefix: secret.slice(0, SHOWN_PREFIX_LENGTH),
      expiresAt: new Date(Date.now() + input.expiresInDays * 86_400_000),
    })
    .returning();
  return { ...toApiToken(row!, actor.username), secret };
}
