import { eq } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import type { Db } from "@/server/db";
import { closeGroupConnections } from "@/server/pkcs11";
import { hsmGroups, hsmServers, serviceEngineGroups, sslCertificates } from "@/server/db/schema";
import type { Actor } from "../actor";
import { forgetGroupLogins } from "@/server/hsm/hsm-access";
import { closeNtlsConnector } from "@/server/hsm/ntls-connectors";
import { markSeGroupsRestartRequired } from "./restart-required";
import { findGroup } from "./to-hsm-group";

/** Deletes a group no SE group or certificate uses; the built-in group stays. */
export async function deleteHsmGroup(
  db: Db,
  actor: Actor,
  id: string,
): Promise<{ id: string; name: string }> {
  const servers = await db.transaction(async (tx) => {
    const txDb = tx as unknown as Db;
    const group = await findGroup(txDb, actor.tenantId, id);
    if (group.builtIn)
      throw new AppError(
        "CONFLICT",
        `"${group.name}" is the console's built-in HSM group and cannot be deleted.`,
      );
    const seGroups = await tx
      .select({ name: serviceEngineGroups.name })
      .from(serviceEngineGroups)
      .where(eq(serviceEngineGroups.hsmGroupId, group.id));
    const certs = await tx
      .select({ name: sslCertificates.name })
      .from(sslCertificates)
      .where(eq(sslCertificates.hsmGroupId, group.id));
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
    await markSeGroupsRestartRequired(txDb, group.id, `HSM group "${group.name}" was deleted.`);
    const rows = await tx
      .select({ id: hsmServers.id })
      .from(hsmServers)
      .where(eq(hsmServers.groupId, group.id));
    await tx.delete(hsmGroups).where(eq(hsmGroups.id, group.id));
    return { group: { id: group.id, name: group.name }, serverIds: rows.map((r) => r.id) };
  });
  // Its worker processes (and their logins) go with it.
  await closeGroupConnections(servers.group.id);
  forgetGroupLogins(servers.group.id);
  await Promise.all(servers.serverIds.map((s) => closeNtlsConnector(s)));
  return servers.group;
}
