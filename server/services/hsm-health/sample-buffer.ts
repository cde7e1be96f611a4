import type { HealthTally } from "@/server/aggregates/hsm-groups";

export type MinuteTally = HealthTally;

export function emptyTally(): MinuteTally {
  return { ops: 0, errors: 0, latencySumMs: 0, latencyMaxMs: 0, probes: 0, probeFailures: 0, probeSumMs: 0 };
}

/** Adds `from` into `into` (sums; the maximum of the maxima). */
export function addTally(into: MinuteTally, from: MinuteTally): void {
  into.ops += from.ops;
  into.errors += from.errors;
  into.latencySumMs += from.latencySumMs;
  into.latencyMaxMs = Math.max(into.latencyMaxMs, from.latencyMaxMs);
  into.probes += from.probes;
  into.probeFailures += from.probeFailures;
  into.probeSumMs += from.probeSumMs;
}

/** Where a PKCS#11 call went, before it is known which server (member) that is. */
export interface CallPlace {
  group: string;
  connection: string;
  token?: string;
}

export type BufferKey = { kind: "call"; place: CallPlace } | { kind: "server"; serverId: string };

const MINUTE_MS = 60_000;

export function minuteOf(at: number): number {
  return Math.floor(at / MINUTE_MS) * MINUTE_MS;
}

/**
 * Per-minute tallies in memory: every PKCS#11 call adds to one, so the database sees one write per
 * member and minute (at the next flush) instead of one per call.
 */
export class SampleBuffer {
  #tallies = new Map<string, { key: BufferKey; minute: number; tally: MinuteTally }>();

  #entry(key: BufferKey, at: number): MinuteTally {
    const minute = minuteOf(at);
    const id = `${minute}|${JSON.stringify(key)}`;
    let entry = this.#tallies.get(id);
    if (!entry) {
      entry = { key, minute, tally: emptyTally() };
      this.#tallies.set(id, entry);
    }
    return entry.tally;
  }

  /** A PKCS#11 call that went out and came back (or failed). */
  call(place: CallPlace, ms: number, ok: boolean, at = Date.now()): void {
    const t = this.#entry({ kind: "call", place }, at);
    t.ops++;
    if (!ok) t.errors++;
    t.latencySumMs += ms;
    t.latencyMaxMs = Math.max(t.latencyMaxMs, ms);
  }

  /** A health probe of a member (null latency: it did not answer). */
  probe(serverId: string, ms: number | null, at = Date.now()): void {
    const t = this.#entry({ kind: "server", serverId }, at);
    t.probes++;
    if (ms === null) t.probeFailures++;
    else t.probeSumMs += ms;
  }

  /** Everything gathered so far, and a clean buffer. */
  drain(): Array<{ key: BufferKey; minute: number; tally: MinuteTally }> {
    const all = [...this.#tallies.values()];
    this.#tallies = new Map();
    return all;
  }
}
