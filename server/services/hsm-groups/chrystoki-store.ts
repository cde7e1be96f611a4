import { and, asc, eq, isNull } from "drizzle-orm";
import { isNetworkHsm } from "@/lib/hsm-types";
import type { Db } from "@/server/db";
import { hsmClients, hsmGroups, hsmServers } from "@/server/db/schema";
import { renderChrystokiConf } from "./chrystoki-conf";

/**
 * Re-renders each active client's Chrystoki.conf after a change and keeps the version before it
 * (Avi's node_info.chrystoki_conf), so the download page can show what changed.
 */
export async function refreshChrystokiConfs(db: Db, groupId: string): Promise<void> {
  const [group] = await db.select().from(hsmGroups).where(eq(hsmGroups.id, groupId));
  if (!group || !isNetworkHsm(group.type)) return;
  const servers = await db
    .select()
    .from(hsmServers)
    .where(eq(hsmServers.groupId, groupId))
    .orderBy(asc(hsmServers.position));
  const clients = await db
    .select()
    .from(hsmClients)
    .where(and(eq(hsmClients.groupId, groupId), isNull(hsmClients.replacedAt)));
  for (const client of clients) {
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
    await db
      .update(hsmClients)
      .set({ chrystokiConf: conf, chrystokiConfPrevious: client.chrystokiConf })
      .where(eq(hsmClients.id, client.id));
  }
}
