import { and, eq, gte, inArray, lt, sql } from "drizzle-orm";
import type { Db } from "@/server/db";
import { hsmHealthSamples, hsmServers } from "@/server/db/schema";

/** What one member gathered in one minute: PKCS#11 operations and health probes. */
export interface HealthTally {
  ops: number;
  errors: number;
  latencySumMs: number;
  latencyMaxMs: number;
  probes: number;
  probeFailures: number;
  probeSumMs: number;
}

/** One minute of one member on one node: what is added to its row. */
export interface HealthSampleDelta extends HealthTally {
  serverId: string;
  node: string;
  minute: Date;
}

/** Adds to the minute's row (created when missing): several flushes of one minute sum up. */
export async function addHealthSamples(db: Db, deltas: HealthSampleDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  const s = hsmHealthSamples;
  await db
    .insert(s)
    .values(deltas)
    .onConflictDoUpdate({
      target: [s.serverId, s.node, s.minute],
      set: {
        ops: sql`${s.ops} + excluded.ops`,
        errors: sql`${s.errors} + excluded.errors`,
        latencySumMs: sql`${s.latencySumMs} + excluded.latency_sum_ms`,
        latencyMaxMs: sql`greatest(${s.latencyMaxMs}, excluded.latency_max_ms)`,
        probes: sql`${s.probes} + excluded.probes`,
        probeFailures: sql`${s.probeFailures} + excluded.probe_failures`,
        probeSumMs: sql`${s.probeSumMs} + excluded.probe_sum_ms`,
      },
    });
}

/** The retention: rows of minutes before `before` go. */
export async function pruneHealthSamples(db: Db, before: Date): Promise<void> {
  await db.delete(hsmHealthSamples).where(lt(hsmHealthSamples.minute, before));
}

/** Members of these groups, for mapping a PKCS#11 call (group, connection, partition) to its server. */
export function membersOfGroups(
  db: Db,
  groupIds: string[],
): Promise<Array<{ id: string; groupId: string; partition: string }>> {
  if (groupIds.length === 0) return Promise.resolve([]);
  return db
    .select({ id: hsmServers.id, groupId: hsmServers.groupId, partition: hsmServers.partition })
    .from(hsmServers)
    .where(inArray(hsmServers.groupId, groupIds));
}

export type HealthSampleRow = Omit<HealthSampleDelta, "node">;

/** A group's samples since `since`, summed over console nodes, oldest first. */
export function healthSamplesOfGroup(db: Db, groupId: string, since: Date): Promise<HealthSampleRow[]> {
  const s = hsmHealthSamples;
  return db
    .select({
      serverId: s.serverId,
      minute: s.minute,
      ops: sql<number>`sum(${s.ops})::int`,
      errors: sql<number>`sum(${s.errors})::int`,
      latencySumMs: sql<number>`sum(${s.latencySumMs})::float8`,
      latencyMaxMs: sql<number>`max(${s.latencyMaxMs})::float8`,
      probes: sql<number>`sum(${s.probes})::int`,
      probeFailures: sql<number>`sum(${s.probeFailures})::int`,
      probeSumMs: sql<number>`sum(${s.probeSumMs})::float8`,
    })
    .from(s)
    .innerJoin(hsmServers, eq(hsmServers.id, s.serverId))
    .where(and(eq(hsmServers.groupId, groupId), gte(s.minute, since)))
    .groupBy(s.serverId, s.minute)
    .orderBy(s.minute);
}
