import { and, desc, eq } from "drizzle-orm";
import type { ApiToken } from "@/lib/schemas/api-tokens";
import type { Db } from "@/server/db";
import { apiTokens, users } from "@/server/db/schema";
import type { Actor } from "../actor";
import { toApiToken } from "./to-api-token";

/** Administrators see every token of their tenant (to revoke a leaked one); others their own. */
export function tokenScope(actor: Actor) {
  return actor.role === "admin"
    ? eq(apiTokens.tenantId, actor.tenantId)
    : and(eq(apiTokens.tenantId, actor.tenantId), eq(apiTokens.userId, actor.userId));
}

export async function listApiTokens(db: Db, actor: Actor): Promise<ApiToken[]> {
  const rows = await db
    .select({ token: apiTokens, username: users.username })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(tokenScope(actor))
    .orderBy(desc(apiTokens.createdAt));
  return rows.map((r) => toApiToken(r.token, r.username));
}
