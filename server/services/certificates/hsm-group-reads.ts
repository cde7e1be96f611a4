/**
 * What certificates read of HSM groups: names for the list and detail, and the create form's
 * choice. The HSM-group aggregate (server/aggregates/hsm-groups, built beside this change) is the
 * place for these queries; until it is merged they stay here, unchanged, in one file.
 */
import { asc, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "@/server/db";
import { hsmGroups } from "@/server/db/schema";
import type { Actor } from "../actor";

/** The tenant's HSM groups, for the "HSM group" choice of the certificate forms. */
export function hsmGroupChoices(db: DbOrTx, actor: Actor) {
  return db
    .select({ id: hsmGroups.id, name: hsmGroups.name })
    .from(hsmGroups)
    .where(eq(hsmGroups.tenantId, actor.tenantId))
    .orderBy(asc(hsmGroups.name));
}

/** Names of these HSM groups (group id → name); nulls are skipped. */
export async function hsmGroupNames(db: DbOrTx, ids: (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((i): i is string => !!i))];
  if (wanted.length === 0) return new Map();
  const rows = await db
    .select({ id: hsmGroups.id, name: hsmGroups.name })
    .from(hsmGroups)
    .where(inArray(hsmGroups.id, wanted));
  return new Map(rows.map((r) => [r.id, r.name]));
}
