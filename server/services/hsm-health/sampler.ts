import {
  addHealthSamples,
  type HealthSampleDelta,
  membersOfGroups,
  pruneHealthSamples,
} from "@/server/aggregates/hsm-groups";
import type { Db } from "@/server/db";
import { consoleNode } from "@/server/hsm/console-node";
import { errorFields, log } from "@/server/observability/logger";
import { onPkcs11Event } from "@/server/pkcs11";
import { addTally, type BufferKey, SampleBuffer } from "./sample-buffer";

/** Samples older than a day (the longest chart) and an hour of margin are deleted. */
export const RETENTION_MS = 25 * 3600_000;
const FLUSH_MS = 60_000;

interface SamplerState {
  buffer: SampleBuffer;
  unsubscribe?: () => void;
  timer?: NodeJS.Timeout;
}

const KEY = Symbol.for("hsm-console.hsm-health.sampler");
type WithSampler = typeof globalThis & { [KEY]?: SamplerState };

function state(): SamplerState {
  const g = globalThis as WithSampler;
  g[KEY] ??= { buffer: new SampleBuffer() };
  return g[KEY];
}

/** A member's health probe (services/hsm-groups' groupHealth), kept for the charts. */
export function recordProbe(serverId: string, latencyMs: number | null): void {
  state().buffer.probe(serverId, latencyMs);
}

/** A call's member: the server named by an NTLS connection, else the group's server with that partition. */
function serverOf(
  key: BufferKey,
  members: Array<{ id: string; groupId: string; partition: string }>,
): string | undefined {
  if (key.kind === "server") return key.serverId;
  const { group, connection, token } = key.place;
  const mine = members.filter((m) => m.groupId === group);
  if (connection.startsWith("ntls:")) return mine.find((m) => m.id === connection.split(":")[1])?.id;
  return mine.find((m) => m.partition === token)?.id;
}

/**
 * Writes what the buffer gathered (one row per member, node and minute) and deletes what is past
 * the retention. Calls that name no member of a group (listing slots, set-up) are not kept.
 */
export async function flushHealthSamples(db: Db, now = Date.now()): Promise<void> {
  const entries = state().buffer.drain();
  const groups = [...new Set(entries.flatMap((e) => (e.key.kind === "call" ? [e.key.place.group] : [])))];
  const members = await membersOfGroups(db, groups);
  const node = consoleNode().name;
  const rows = new Map<string, HealthSampleDelta>();
  for (const { key, minute, tally } of entries) {
    const serverId = serverOf(key, members);
    if (!serverId) continue;
    const id = `${serverId}|${minute}`;
    const row = rows.get(id);
    if (!row) {
      rows.set(id, { serverId, node, minute: new Date(minute), ...tally });
      continue;
    }
    addTally(row, tally);
  }
  await addHealthSamples(db, [...rows.values()]);
  await pruneHealthSamples(db, new Date(now - RETENTION_MS));
}

/**
 * Subscribes to the PKCS#11 layer's calls (those of a group) and writes them every minute. Once
 * per process; safe on every console node (each writes its own node's rows).
 */
export function startHealthSampling(db: Db): void {
  const s = state();
  if (s.unsubscribe) return;
  s.unsubscribe = onPkcs11Event((event) => {
    if (event.kind !== "call" || !event.group) return;
    const { group, connection, token } = event;
    s.buffer.call({ group, connection, ...(token ? { token } : {}) }, event.ms, event.ok);
  });
  s.timer = setInterval(() => {
    flushHealthSamples(db).catch((error: unknown) =>
      log("hsm-health").warn({ ...errorFields(error), msg: "samples not written" }),
    );
  }, FLUSH_MS);
  s.timer.unref();
}

/** Tests: stop listening and forget what was gathered. */
export function stopHealthSamplingForTests(): void {
  const s = state();
  s.unsubscribe?.();
  if (s.timer) clearInterval(s.timer);
  (globalThis as WithSampler)[KEY] = undefined;
}
