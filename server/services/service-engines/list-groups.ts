import type { ServiceEngineGroupView } from "@/lib/schemas/service-engines";
import { activeClient, registrationsByServer } from "@/server/aggregates/hsm-groups";
import { enginesOf, seGroupsOfTenant } from "@/server/aggregates/se-groups";
import type { Db } from "@/server/db";
import type { Actor } from "../actor";

export async function listSeGroups(db: Db, actor: Actor): Promise<ServiceEngineGroupView[]> {
  const groups = await seGroupsOfTenant(db, actor.tenantId);
  if (groups.length === 0) return [];
  const engines = await enginesOf(
    db,
    groups.map((g) => g.group.id),
  );
  const result: ServiceEngineGroupView[] = [];
  for (const { group, hsmGroupName, hsmType } of groups) {
    const ses = engines.filter((e) => e.groupId === group.id);
    const views = [];
    for (const se of ses) {
      views.push({
        id: se.id,
        name: se.name,
        nodeName: se.nodeName,
        managementIp: se.managementIp,
        state: se.state,
        stateReason: se.stateReason,
        stateSince: se.stateSince.toISOString(),
        registration: group.hsmGroupId
          ? await registrationOf(db, group.hsmGroupId, se.name, hsmType === "pkcs11-module")
          : null,
      });
    }
    result.push({
      id: group.id,
      name: group.name,
      hsmGroupId: group.hsmGroupId,
      hsmGroupName,
      seCount: group.seCount,
      serviceEngines: views,
    });
  }
  return result;
}

/** A local module needs no client registration; a network HSM needs this SE's own registered client. */
async function registrationOf(db: Db, hsmGroupId: string, seName: string, local: boolean): Promise<string> {
  if (local) return "not needed (local PKCS#11 module)";
  const client = await activeClient(db, hsmGroupId, { kind: "service-engine", name: seName });
  if (!client) return "no client certificate yet";
  // Named per HSM ("hsm1: registered, hsm2: refused"): a bare list of states hides which one failed.
  const regs = await registrationsByServer(db, client.id);
  if (regs.length === 0) return "not checked";
  return regs.map((r) => `${r.address ?? "module"}: ${r.status}`).join(", ");
}
