import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import type { ServiceEngineGroupView } from "@/lib/schemas/service-engines";
import type { Db } from "@/server/db";
import {
  hsmClientRegistrations,
  hsmClients,
  hsmGroups,
  hsmServers,
  serviceEngineGroups,
  serviceEngines,
} from "@/server/db/schema";
import type { Actor } from "../actor";

export async function listSeGroups(db: Db, actor: Actor): Promise<ServiceEngineGroupView[]> {
  const groups = await db
    .select({ group: serviceEngineGroups, hsmGroupName: hsmGroups.name, hsmType: hsmGroups.type })
    .from(serviceEngineGroups)
    .leftJoin(hsmGroups, eq(hsmGroups.id, serviceEngineGroups.hsmGroupId))
    .where(eq(serviceEngineGroups.tenantId, actor.tenantId))
    .orderBy(asc(serviceEngineGroups.name));
  if (groups.length === 0) return [];
  const engines = await db
    .select()
    .from(serviceEngines)
    .where(
      inArray(
        serviceEngines.groupId,
        groups.map((g) => g.group.id),
      ),
    )
    .orderBy(asc(serviceEngines.name));
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
  const [client] = await db
    .select({ id: hsmClients.id })
    .from(hsmClients)
    .where(
      and(
        eq(hsmClients.groupId, hsmGroupId),
        eq(hsmClients.kind, "service-engine"),
        eq(hsmClients.name, seName),
        isNull(hsmClients.replacedAt),
      ),
    );
  if (!client) return "no client certificate yet";
  // Named per HSM ("hsm1: registered, hsm2: refused"): a bare list of states hides which one failed.
  const regs = await db
    .select({ status: hsmClientRegistrations.status, address: hsmServers.address })
    .from(hsmClientRegistrations)
    .innerJoin(hsmServers, eq(hsmServers.id, hsmClientRegistrations.serverId))
    .where(eq(hsmClientRegistrations.clientId, client.id))
    .orderBy(asc(hsmServers.position));
  if (regs.length === 0) return "not checked";
  return regs.map((r) => `${r.address ?? "module"}: ${r.status}`).join(", ");
}
