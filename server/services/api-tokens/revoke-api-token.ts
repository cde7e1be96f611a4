import { and, eq } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import type { ApiToken } from "@/lib/schemas/api-tokens";
import type { Db } from "@/server/db";
import { apiTokens, users } from "@/server/db/schema";
import type { Actor } from "../actor";
import { tokenScope } from "./list-api-tokens";
import { toApiToken } from "./to-api-token";
import { forgetCachedTokens } from "./token-cache";

/**
 * Revocation is immediate on this console (it empties the token cache) and within
 * TOKEN_CACHE_MS on other nodes; it is kept for the record.
 */
export async function revokeApiToken(db: Db, actor: Actor, id: string): Promise<ApiToken> {
  const [current] = await db
    .select({ token: apiTokens, username: users.username })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.id, id), tokenScope(actor)));
  if (!current) throw new AppError("NOT_FOUND", "This API token does not exist or is not yours.");
  if (current.token.revokedAt) return toApiToken(current.token, current.username);
  const [row] = await db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(eq(apiTokens.id, id))
    .returning();
  forgetCachedTokens();
  return toApiToken(row!, current.username);
}
