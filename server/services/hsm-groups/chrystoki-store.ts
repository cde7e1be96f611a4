import { isNetworkHsm } from "@/lib/hsm-types";
import { activeClients, groupById, serversOf, updateClient } from "@/server/aggregates/hsm-groups";
import type { DbOrTx } from "@/server/db";
import { renderChrystokiConf } from "./chrystoki-conf";

/**
 * Re-renders each active client's Chrystoki.conf after a change and keeps the version before it
 * (Avi's node_info.chrystoki_conf), so the download page can show what changed.
 */
export async function refreshChrystokiConfs(db: DbOrTx, groupId: string): Promise<void> {
  const group = await groupById(db, groupId);
  if (!group || !isNetworkHsm(group.type)) return;
  const servers = await serversOf(db, groupId);
  for (const client of await activeClients(db, groupId)) {
    const conf = renderChrystokiConf({
      clientName: client.name,
      groupName: group.name,
      isHa: group.isHa,
      haGroupNum: group.haGroupNum,
      servers: servers.map((s) => ({
        address: s.address ?? "",
        port: s.port ?? 1792,
        partition: s.partition,
        partitionSerial: s.partitionSerial,
      })),
    });
    if (conf === client.chrystokiConf) continue;
    await updateClient(db, client.id, { chrystokiConf: conf, chrystokiConfPrevious: client.chrystokiConf });
  }
}
