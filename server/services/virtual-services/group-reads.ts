/**
 * What virtual services read of SE groups (with their SEs) and HSM groups: the SE group a service
 * runs on, the wizard's choice, the hint naming a matching SE group. The SE-group and HSM-group
 * aggregates (server/aggregates/{se-groups,hsm-groups}, built beside this change) are the place for
 * these queries; until they are merged they stay here, unchanged, in one file.
 */
import { and, asc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/server/db";
import { hsmGroups, serviceEngineGroups, serviceEngines } from "@/server/db/schema";

/** The tenant's SE group with this id, or undefined. */
export async function tenantSeGroup(db: DbOrTx, tenantId: string, id: string) {
  const [seGroup] = await db
    .select()
    .from(serviceEngineGroups)
    .where(and(eq(serviceEngineGroups.id, id), eq(serviceEngineGroups.tenantId, tenantId)));
  return seGroup;
}

/** The tenant's SE groups for the wizard's choice. */
export function seGroupChoices(db: DbOrTx, tenantId: string) {
  return db
    .select({
      id: serviceEngineGroups.id,
      name: serviceEngineGroups.name,
      hsmGroupId: serviceEngineGroups.hsmGroupId,
    })
    .from(serviceEngineGroups)
    .where(eq(serviceEngineGroups.tenantId, tenantId))
    .orderBy(asc(serviceEngineGroups.name));
}

/** Names of the tenant's SE groups that reference this HSM group. */
export function seGroupsUsingHsmGroup(db: DbOrTx, tenantId: string, hsmGroupId: string) {
  return db
    .select({ name: serviceEngineGroups.name })
    .from(serviceEngineGroups)
    .where(and(eq(serviceEngineGroups.tenantId, tenantId), eq(serviceEngineGroups.hsmGroupId, hsmGroupId)));
}

export async function hsmGroupName(db: DbOrTx, id: string): Promise<string | null> {
  const [hsm] = await db.select({ name: hsmGroups.name }).from(hsmGroups).where(eq(hsmGroups.id, id));
  return hsm?.name ?? null;
}

/** The SEs of an SE group that run on this console node. */
export function enginesOfGroupOnNode(db: DbOrTx, seGroupId: string, nodeName: string) {
  return db
    .select({ id: serviceEngines.id })
    .from(serviceEngines)
    .where(and(eq(serviceEngines.groupId, seGroupId), eq(serviceEngines.nodeName, nodeName)));
}
