import { insertEngineIfMissing, insertSeGroupIfMissing, seGroupByName } from "@/server/aggregates/se-groups";
import type { DbOrTx } from "@/server/db";
import { ensureDefaultTenant } from "../bootstrap/ensure-default-tenant";
import { consoleNode } from "@/server/hsm/console-node";

export const DEFAULT_SE_GROUP = "Default-Group";

/** SE names are global (unique column): Default-Group's are se-1, se-2…; others <group>-se-N. */
export function seName(groupName: string, index: number): string {
  return groupName === DEFAULT_SE_GROUP ? `se-${index}` : `${groupName}-se-${index}`;
}

/**
 * Avi's Default-Cloud comes with Default-Group; here it runs one SE (se-1) on this console node.
 * Idempotent and safe for several nodes starting at once (inserts that conflict do nothing).
 */
export async function ensureDefaultSeGroup(db: DbOrTx): Promise<{ groupId: string }> {
  const tenantId = await ensureDefaultTenant(db);
  await insertSeGroupIfMissing(db, { tenantId, name: DEFAULT_SE_GROUP });
  const group = await seGroupByName(db, tenantId, DEFAULT_SE_GROUP);
  if (!group) throw new Error("Default-Group could not be written");
  await ensureSeCount(db, group.id, group.name, group.seCount);
  return { groupId: group.id };
}

/** Creates the missing SEs of a group (on this node); surplus ones are removed by the caller. */
export async function ensureSeCount(
  db: DbOrTx,
  groupId: string,
  groupName: string,
  count: number,
): Promise<void> {
  const node = consoleNode();
  for (let i = 1; i <= count; i++) {
    await insertEngineIfMissing(db, {
      groupId,
      name: seName(groupName, i),
      nodeName: node.name,
      managementIp: node.ip,
    });
  }
}
