/**
 * What observing PKCS#11 calls costs: EC P-256 sign throughput through the layer with the metrics
 * histogram and the health-sample buffer subscribed ÷ without, alternating phases in the same run.
 * Run: node --import tsx server/observability/bench/observers.bench.ts   (`name: value` lines)
 */
import { opsPerSecond, report } from "@/server/bench/measure";
import { onPkcs11Event } from "@/server/pkcs11";
import { clientFor, softHsmFixture, USER_PIN } from "@/server/pkcs11/testing/fixtures";
import { SampleBuffer } from "@/server/services/hsm-health/sample-buffer";
import { recordPkcs11Event } from "../pkcs11-metrics";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PHASE_S = Number(process.env.BENCH_PHASE_MS ?? 1000) / 1000;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
}

async function main(): Promise<void> {
  const hsm = await softHsmFixture(["bench-obs"]);
  const token = { label: "bench-obs" };
  const client = clientFor(hsm.spec("bench-obs", { niceness: 0, group: "bench-group" }));
  try {
    await client.login(token, USER_PIN);
    await client.generateKeyPair({ token, idHex: "01", label: "ec", spec: { type: "EC", curve: "P-256" } });
    const data = Buffer.alloc(32, 1);
    const sign = () => client.sign({ token, idHex: "01", algorithm: "ECDSA", hash: "SHA-256", data });
    const buffer = new SampleBuffer();
    const bare: number[] = [];
    const observed: number[] = [];
    await opsPerSecond(sign, PHASE_S / 2, CONCURRENCY); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      bare.push(await opsPerSecond(sign, PHASE_S, CONCURRENCY));
      const off = onPkcs11Event((event) => {
        recordPkcs11Event(event);
        if (event.kind === "call" && event.group)
          buffer.call({ group: event.group, connection: event.connection }, event.ms, event.ok);
      });
      observed.push(await opsPerSecond(sign, PHASE_S, CONCURRENCY));
      off();
    }
    report("observers_p256_sign_ops_per_s_bare", median(bare), 0);
    report("observers_p256_sign_ops_per_s_observed", median(observed), 0);
    report("observers_p256_sign_observed_to_bare", median(observed) / median(bare));
  } finally {
    await client.connection.close();
    await hsm.cleanup();
  }
}

void main();
