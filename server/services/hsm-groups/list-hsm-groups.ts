import { asc, eq } from "drizzle-orm";
import { canChange } from "@/lib/roles";
import type { HsmGroup } from "@/lib/schemas/hsm-group";
import type { Db } from "@/server/db";
import { hsmGroups } from "@/server/db/schema";
import type { Actor } from "../actor";
import { findGroup, toHsmGroup } from "./to-hsm-group";

export async function listHsmGroups(db: Db, actor: Actor): Promise<HsmGroup[]> {
  const rows = await db
    .select()
    .from(hsmGroups)
    .where(eq(hsmGroups.tenantId, actor.tenantId))
    .orderBy(asc(hsmGroups.name));
  return Promise.all(rows.map(async (row) => forRole(actor, await toHsmGroup(db, row))));
}

export async function getHsmGroup(db: Db, actor: Actor, id: string): Promise<HsmGroup> {
  return forRole(actor, await toHsmGroup(db, await findGroup(db, actor.tenantId, id)));
}

/** The library environment (paths of the host's HSM configuration) is for security roles only. */
function forRole(actor: Actor, group: HsmGroup): HsmGroup {
  return canChange(actor.role, "security") ? group : { ...group, moduleEnv: null };
}
