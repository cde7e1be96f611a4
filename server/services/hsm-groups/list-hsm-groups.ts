import { canChange } from "@/lib/roles";
import type { HsmGroup } from "@/lib/schemas/hsm-group";
import { findGroup, groupChoices, groupsOfTenant } from "@/server/aggregates/hsm-groups";
import type { Db } from "@/server/db";
import type { Actor } from "../actor";
import { toHsmGroup } from "./to-hsm-group";

export async function listHsmGroups(db: Db, actor: Actor): Promise<HsmGroup[]> {
  const rows = await groupsOfTenant(db, actor.tenantId);
  return Promise.all(rows.map(async (row) => forRole(actor, await toHsmGroup(db, row))));
}

export async function getHsmGroup(db: Db, actor: Actor, id: string): Promise<HsmGroup> {
  return forRole(actor, await toHsmGroup(db, await findGroup(db, actor.tenantId, id)));
}

/** The tenant's HSM groups (id, name, type, number of servers; no secrets) for a select. */
export function hsmGroupChoices(db: Db, actor: Actor) {
  return groupChoices(db, actor.tenantId);
}

/** The library environment (paths of the host's HSM configuration) is for security roles only. */
function forRole(actor: Actor, group: HsmGroup): HsmGroup {
  return canChange(actor.role, "security") ? group : { ...group, moduleEnv: null };
}
