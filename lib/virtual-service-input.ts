import type { UpdateVirtualServiceInput, VirtualServiceView } from "@/lib/schemas/virtual-services";

/** A VS's current settings as the update input, so that one field can change through the VS service. */
export function vsInputOf(vs: VirtualServiceView): UpdateVirtualServiceInput {
  return {
    id: vs.id,
    name: vs.name,
    vip: vs.vip,
    ports: vs.ports,
    certificateId: vs.certificateId,
    pool: vs.pool,
    ...(vs.healthCheckPath ? { healthCheckPath: vs.healthCheckPath } : {}),
    seGroupId: vs.seGroupId,
    enabled: vs.enabled,
  };
}
