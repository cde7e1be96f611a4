import type { HsmHealthPicture } from "@/lib/schemas/hsm-health";
import { certificatesInGroup } from "@/server/aggregates/certificates";
import { healthSamplesOfGroup, loadGroup } from "@/server/aggregates/hsm-groups";
import type { Db } from "@/server/db";
import { listConnections } from "@/server/pkcs11";
import type { Actor } from "../actor";
import { serverName } from "../hsm-groups/connection/group-members";
import { bucketise } from "./charts";
import { flushHealthSamples } from "./sampler";
import { workerStates } from "./worker-states";

const DAY_MS = 86_400_000;
const HOUR = { bucketMinutes: 1, count: 60 };
const DAY = { bucketMinutes: 15, count: 96 };

/**
 * The HSM health picture of one group (the caller's tenant): per member, operations and latency
 * over the last hour (1-minute buckets) and day (15-minute buckets) from the stored samples, the
 * last probe; the group's worker processes with their sessions; its certificates' expiry. No HSM
 * call: the workers that run are asked for their session counts only.
 */
export async function hsmHealthPicture(
  db: Db,
  actor: Actor,
  groupId: string,
  now = Date.now(),
): Promise<HsmHealthPicture> {
  const { group, servers } = await loadGroup(db, actor.tenantId, groupId);
  // What this node gathered in the current minute is written first, so the charts include it.
  await flushHealthSamples(db, now);
  const samples = await healthSamplesOfGroup(db, group.id, new Date(now - DAY_MS - 15 * 60_000));
  const members = servers.map((server) => {
    const mine = samples.filter((s) => s.serverId === server.id);
    const probed = mine.filter((s) => s.probes > 0).at(-1);
    return {
      serverId: server.id,
      server: serverName(server),
      lastProbe: probed
        ? {
            at: probed.minute.toISOString(),
            ok: probed.probeFailures < probed.probes,
            ms:
              probed.probes > probed.probeFailures
                ? Math.round((probed.probeSumMs / (probed.probes - probed.probeFailures)) * 10) / 10
                : null,
          }
        : null,
      hour: bucketise(mine, now, HOUR.bucketMinutes, HOUR.count),
      day: bucketise(mine, now, DAY.bucketMinutes, DAY.count),
    };
  });
  const certificates = (await certificatesInGroup(db, actor.tenantId, group.id)).map((c) => ({
    id: c.id,
    name: c.name,
    status: c.status,
    notAfter: c.notAfter?.toISOString() ?? null,
    daysLeft: c.notAfter ? Math.floor((c.notAfter.getTime() - now) / DAY_MS) : null,
  }));
  return {
    id: group.id,
    name: group.name,
    isHa: group.isHa,
    generatedAt: new Date(now).toISOString(),
    hourBucketMinutes: HOUR.bucketMinutes,
    dayBucketMinutes: DAY.bucketMinutes,
    members,
    workers: await workerStates(listConnections().filter((c) => c.spec.group === group.id)),
    certificates,
  };
}
