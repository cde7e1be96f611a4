import { enginesOf } from "@/server/aggregates/se-groups";
import {
  setVirtualServiceState,
  type VirtualServiceRow,
  virtualServicesOfSeGroup,
} from "@/server/aggregates/virtual-services";
import type { ServiceEngineStatus } from "@/server/dataplane";
import type { Db } from "@/server/db";

export interface EngineView {
  seId: string;
  status: ServiceEngineStatus;
  /** Virtual services in the SE's applied config. */
  served: Set<string>;
  /** Virtual services left out because their key check failed, with the reason. */
  excluded: Map<string, string>;
}

type VsState = VirtualServiceRow["state"];

/**
 * A virtual service is up when at least one SE of its group serves it and is running (a pending
 * restart does not stop traffic; a VS without SSL also while nginx runs on an SE whose HSM is
 * gone); down with the reason otherwise; pending before any SE took it.
 */
export async function updateVirtualServiceStates(
  db: Db,
  groupId: string,
  engines: EngineView[],
): Promise<void> {
  const seIds = new Set((await enginesOf(db, groupId)).map((r) => r.id));
  const mine = engines.filter((e) => seIds.has(e.seId));
  const rows = await virtualServicesOfSeGroup(db, groupId);
  for (const vs of rows) {
    const [state, reason] = stateOf(vs, mine);
    if (state === vs.state && reason === vs.stateReason) continue;
    await setVirtualServiceState(db, vs.id, state, reason);
  }
}

function stateOf(vs: VirtualServiceRow, engines: EngineView[]): [VsState, string | null] {
  if (!vs.enabled) return ["disabled", null];
  if (engines.length === 0)
    return ["pending", "No service engine of this group runs on this console node yet."];
  // A VS without SSL needs no HSM: it is served as long as nginx runs, even by an SE that lost its HSM.
  const plain = !vs.ports.some((p) => p.ssl);
  const serving = engines.filter(
    (e) =>
      e.served.has(vs.id) &&
      (e.status.state === "running" ||
        e.status.state === "restart-required" ||
        (plain && e.status.state === "failed" && e.status.pid !== null)),
  );
  if (serving.length > 0) return ["up", null];
  const excluded = engines.map((e) => e.excluded.get(vs.id)).find(Boolean);
  if (excluded) return ["down", excluded];
  const broken = engines.find((e) => e.status.state === "failed");
  if (broken) return ["down", `Service engine failed: ${broken.status.reason}`];
  if (engines.every((e) => !e.served.has(vs.id)))
    return ["down", "Its SSL certificate is not active (or lost its key reference)."];
  return ["down", "No service engine of its group is running."];
}
