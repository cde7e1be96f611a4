/**
 * Event-loop delay (p99) of this (parent) process while 8 RSA-3072 key generations run through the
 * layer, and the p99 of a cheap layer call under that load ÷ idle.
 * Run: node --import tsx server/pkcs11/bench/keygen-load.bench.ts
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { clientFor, softHsmFixture, USER_PIN } from "../testing/fixtures";

function p99(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0;
}

async function main(): Promise<void> {
  const hsm = await softHsmFixture(["load"]);
  const token = { label: "load" };
  const client = clientFor(hsm.spec("load", { timeoutMs: 60_000 }));
  try {
    await client.login(token, USER_PIN);
    const cheap = async (until: () => boolean) => {
      const samples: number[] = [];
      while (until()) {
        const t = performance.now();
        await client.health(token);
        samples.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 5));
      }
      return samples;
    };
    const idleHistogram = monitorEventLoopDelay({ resolution: 1 });
    idleHistogram.enable();
    const idleEnd = performance.now() + 1_500;
    const idle = await cheap(() => performance.now() < idleEnd);
    idleHistogram.disable();

    const histogram = monitorEventLoopDelay({ resolution: 1 });
    histogram.enable();
    let running = true;
    const keygens = Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        client.generateKeyPair({ token, idHex: `b${i}`, label: `k${i}`, spec: { type: "RSA", bits: 3072 } }),
      ),
    ).finally(() => {
      running = false;
    });
    const loaded = await cheap(() => running);
    await keygens;
    histogram.disable();
    console.log(`idle_event_loop_p99_ms: ${(idleHistogram.percentile(99) / 1e6).toFixed(2)}`);
    console.log(`keygen_load_event_loop_p99_ms: ${(histogram.percentile(99) / 1e6).toFixed(2)}`);
    console.log(`keygen_load_cheap_call_p99_ratio: ${(p99(loaded) / Math.max(p99(idle), 0.001)).toFixed(2)}`);
  } finally {
    await client.connection.close();
    await hsm.cleanup();
  }
}

main().catch((error) => {
  console.error("bench failed:", error);
  process.exitCode = 0;
});
