import type { VirtualServiceView } from "@/lib/schemas/virtual-services";
import { activeCertificateChoices } from "@/server/aggregates/certificates";
import { seGroupsOfTenant } from "@/server/aggregates/se-groups";
import {
  loadVirtualServiceWithNames,
  type VirtualServiceWithNames,
  virtualServicesOf,
} from "@/server/aggregates/virtual-services";
import type { Db } from "@/server/db";
import type { Actor } from "../actor";

function toView({ vs, certificateName, seGroupName }: VirtualServiceWithNames): VirtualServiceView {
  return {
    id: vs.id,
    name: vs.name,
    vip: vs.vip,
    ports: vs.ports,
    certificateId: vs.certificateId,
    certificateName,
    pool: vs.pool,
    healthCheckPath: vs.healthCheck?.path ?? null,
    seGroupId: vs.seGroupId,
    seGroupName,
    enabled: vs.enabled,
    state: vs.state,
    stateReason: vs.stateReason,
  };
}

export async function listVirtualServices(db: Db, actor: Actor): Promise<VirtualServiceView[]> {
  return (await virtualServicesOf(db, actor.tenantId)).map(toView);
}

export async function getVirtualService(db: Db, actor: Actor, id: string): Promise<VirtualServiceView> {
  return toView(await loadVirtualServiceWithNames(db, actor.tenantId, id));
}

/** The wizard's drop-downs: active certificates (HSM ones marked with their group) and SE groups. */
export async function virtualServiceChoices(db: Db, actor: Actor) {
  const certificates = await activeCertificateChoices(db, actor.tenantId);
  const seGroups = (await seGroupsOfTenant(db, actor.tenantId)).map(({ group }) => ({
    id: group.id,
    name: group.name,
    hsmGroupId: group.hsmGroupId,
  }));
  return { certificates, seGroups };
}
