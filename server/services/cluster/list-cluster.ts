import type { ClusterNodeView } from "@/lib/schemas/cluster";
import { nodeState } from "@/server/cluster/liveness";
import { listNodeRows } from "@/server/cluster/node-rows";
import { thisNode } from "@/server/cluster/node-identity";
import type { Db } from "@/server/db";
import { allEngines } from "@/server/aggregates/se-groups";
import type { Actor } from "../actor";
import { DEFAULT_TENANT } from "../bootstrap/ensure-default-tenant";

/**
 * The console nodes sharing this database, their state from the heartbeat, and the SEs each
 * supervises: every SE for the admin tenant, only your tenant's otherwise (nodes are shared).
 */
export async function listCluster(db: Db, actor: Actor): Promise<ClusterNodeView[]> {
  const rows = await listNodeRows(db);
  const engines = await allEngines(db, actor.tenantName === DEFAULT_TENANT ? null : actor.tenantId);
  const self = thisNode().name;
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    address: row.address,
    version: row.version,
    // The node answering this request is up, whatever its last heartbeat (PGlite writes none).
    state: row.name === self ? "up" : nodeState(row),
    startedAt: row.startedAt.toISOString(),
    lastHeartbeatAt: row.heartbeatAt.toISOString(),
    secondsSinceHeartbeat: Math.round(row.secondsSinceBeat),
    self: row.name === self,
    hsmClientName: row.hsmClient.name,
    hsmClientIp: row.hsmClient.ip,
    serviceEngines: engines
      .filter((se) => se.nodeName === row.name)
      .map((se) => ({ id: se.id, name: se.name, state: se.state })),
  }));
}
