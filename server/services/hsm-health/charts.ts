import type { HealthPoint } from "@/lib/schemas/hsm-health";
import type { HealthSampleRow } from "@/server/aggregates/hsm-groups";
import { addTally, emptyTally } from "./sample-buffer";

const MINUTE_MS = 60_000;

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/**
 * A member's samples as `count` buckets of `bucketMinutes` ending at `now`'s minute (empty buckets
 * included, so the chart's time axis is regular): operations, errors, mean and max latency, probes.
 */
export function bucketise(
  samples: HealthSampleRow[],
  now: number,
  bucketMinutes: number,
  count: number,
): HealthPoint[] {
  const width = bucketMinutes * MINUTE_MS;
  const end = Math.floor(now / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  const start = end - width * count;
  const sums = Array.from({ length: count }, emptyTally);
  for (const s of samples) {
    const b = sums[Math.floor((s.minute.getTime() - start) / width)];
    if (b) addTally(b, s);
  }
  return sums.map((b, i) => {
    const answered = b.probes - b.probeFailures;
    return {
      at: new Date(start + i * width).toISOString(),
      ops: b.ops,
      errors: b.errors,
      avgMs: b.ops > 0 ? round(b.latencySumMs / b.ops) : null,
      maxMs: b.ops > 0 ? round(b.latencyMaxMs) : null,
      probeMs: answered > 0 ? round(b.probeSumMs / answered) : null,
      probeFailures: b.probeFailures,
    };
  });
}
