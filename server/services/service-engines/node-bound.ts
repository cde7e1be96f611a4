import { AppError } from "@/lib/errors";
import type { GroupRow } from "@/server/aggregates/hsm-groups";
import { enginesOf } from "@/server/aggregates/se-groups";
import type { DbOrTx } from "@/server/db";

/**
 * Keys in a node's own Local-SoftHSM are reachable only on that node: an SE group that uses such
 * a group may run SEs only there. `joining`: the node that is about to add SEs to the group.
 */
export async function assertSesReachGroup(
  db: DbOrTx,
  seGroup: { id: string; name: string },
  hsmGroup: Pick<GroupRow, "name" | "nodeName">,
  field: string,
  joining: string | null = null,
): Promise<void> {
  const node = hsmGroup.nodeName;
  if (!node) return;
  const hosts = (await enginesOf(db, seGroup.id)).map((se) => ({ name: se.name, node: se.nodeName }));
  if (joining) hosts.push({ name: "the new service engines", node: joining });
  const away = hosts.filter((h) => h.node !== node);
  if (away.length === 0) return;
  throw new AppError(
    "VALIDATION",
    `The keys of HSM group "${hsmGroup.name}" are in console node ${node}'s own SoftHSM token, which only service engines on ${node} reach; SE group "${seGroup.name}" has ${away.map((h) => `${h.name} on ${h.node}`).join(", ")}. Use a network HSM group for SE groups whose service engines run on several nodes.`,
    { field },
  );
}
