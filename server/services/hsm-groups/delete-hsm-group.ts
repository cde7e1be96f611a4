import { AppError } from "@/lib/errors";
import { deleteGroup, findGroup, referrersOf, serversOf } from "@/server/aggregates/hsm-groups";
import type { Db } from "@/server/db";
import { publishChange } from "@/server/cluster/bus";
import { forgetGroupLogins } from "@/server/hsm/hsm-access";
import { closeNtlsConnector } from "@/server/hsm/ntls-connectors";
import { closeGroupConnections } from "@/server/pkcs11";
import type { Actor } from "../actor";
import { markRestartRequired } from "../service-engines/restart-required";

/** Deletes a group no SE group or certificate uses; the built-in group stays. */
export async function deleteHsmGroup(
  db: Db,
  actor: Actor,
  id: string,
): Promise<{ id: string; name: string }> {
  const servers = await db.transaction(async (tx) => {
    const group = await findGroup(tx, actor.tenantId, id);
    if (group.builtIn)
      throw new AppError(
        "CONFLICT",
        `"${group.name}" is the console's built-in HSM group and cannot be deleted.`,
      );
    const { seGroups, certificates: certs } = await referrersOf(tx, group.id);
    if (seGroups.length + certs.length > 0) {
      const users = [
        ...seGroups.map((g) => `service engine group "${g.name}"`),
        ...certs.map((c) => `certificate "${c.name}"`),
      ];
      throw new AppError(
        "CONFLICT",
        `HSM group "${group.name}" is used by ${users.join(", ")}. Remove it from them first.`,
        { details: { seGroups: seGroups.map((g) => g.name), certificates: certs.map((c) => c.name) } },
      );
    }
    await markRestartRequired(tx, { hsmGroupId: group.id }, `HSM group "${group.name}" was deleted.`);
    const rows = await serversOf(tx, group.id);
    await deleteGroup(tx, group.id);
    return { group: { id: group.id, name: group.name }, serverIds: rows.map((r) => r.id) };
  });
  // Its worker processes (and their logins) go with it.
  await closeGroupConnections(servers.group.id);
  forgetGroupLogins(servers.group.id);
  await publishChange("hsm-group", servers.group.id);
  await Promise.all(servers.serverIds.map((s) => closeNtlsConnector(s)));
  return servers.group;
}
