/**
 * Sign throughput through the layer ÷ a raw pkcs11js loop on the same token, same run.
 * Run: node --import tsx server/pkcs11/bench/sign.bench.ts   (prints `name: value` lines; never fails on a figure)
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as pk from "pkcs11js";
import { clientFor, softHsmFixture, USER_PIN } from "../testing/fixtures";
import type { SignAlgorithm } from "../types";

/** Rounds alternate raw / layer phases so that load drift on a shared machine hits both alike. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PHASE_MS = Number(process.env.BENCH_PHASE_MS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

/** CPU time (user + system, µs) of another process, from /proc (clock ticks of 10 ms). */
function processCpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function main(): Promise<void> {
  const hsm = await softHsmFixture(["bench"]);
  const token = { label: "bench" };
  // Niceness 0: this measures the layer's overhead, not the worker's (deliberately lower) CPU priority.
  const client = clientFor(hsm.spec("bench", { niceness: 0 }));
  try {
    await client.login(token, USER_PIN);
    await client.generateKeyPair({ token, idHex: "01", label: "rsa", spec: { type: "RSA", bits: 2048 } });
    await client.generateKeyPair({ token, idHex: "02", label: "ec", spec: { type: "EC", curve: "P-256" } });

    // Raw reference: one pkcs11js instance in this process, one session, synchronous C_SignInit + C_Sign.
    process.env.SOFTHSM2_CONF = hsm.confPath;
    const raw = new pk.PKCS11();
    raw.load(hsm.spec("x").libraryPath as string);
    raw.C_Initialize({ flags: pk.CKF_OS_LOCKING_OK });
    const slot = raw.C_GetSlotList(true).find((s) => raw.C_GetTokenInfo(s).label.trim() === "bench");
    if (!slot) throw new Error("bench token not found");
    const session = raw.C_OpenSession(slot, pk.CKF_SERIAL_SESSION | pk.CKF_RW_SESSION);
    raw.C_Login(session, pk.CKU_USER, USER_PIN);
    const handle = (id: string) => {
      raw.C_FindObjectsInit(session, [
        { type: pk.CKA_CLASS, value: pk.CKO_PRIVATE_KEY },
        { type: pk.CKA_ID, value: Buffer.from(id, "hex") },
      ]);
      const [h] = raw.C_FindObjects(session, 1);
      raw.C_FindObjectsFinal(session);
      if (!h) throw new Error("key not found");
      return h;
    };

    const cases: Array<{ name: string; idHex: string; algorithm: SignAlgorithm; mechanism: number }> = [
      { name: "rsa2048", idHex: "01", algorithm: "RSASSA-PKCS1-v1_5", mechanism: pk.CKM_SHA256_RSA_PKCS },
      { name: "p256", idHex: "02", algorithm: "ECDSA", mechanism: pk.CKM_ECDSA },
    ];
    for (const c of cases) {
      const data = Buffer.from("benchmark payload");
      const input = c.algorithm === "ECDSA" ? createHash("sha256").update(data).digest() : data;
      const h = handle(c.idHex);
      const out = Buffer.alloc(1024);
      const rawRate = () => {
        let count = 0;
        const start = performance.now();
        const cpu = process.cpuUsage();
        while (performance.now() - start < PHASE_MS) {
          raw.C_SignInit(session, { mechanism: c.mechanism }, h);
          raw.C_Sign(session, input, out);
          count++;
        }
        const used = process.cpuUsage(cpu);
        rawCpu.push((used.user + used.system) / count);
        return count / ((performance.now() - start) / 1000);
      };
      const layerRate = async (concurrency: number) => {
        let count = 0;
        const start = performance.now();
        const cpu = process.cpuUsage();
        const workerPid = client.connection.workerPid;
        const workerCpu = workerPid ? processCpuMicros(workerPid) : 0;
        await Promise.all(
          Array.from({ length: concurrency }, async () => {
            while (performance.now() - start < PHASE_MS) {
              await client.sign({ token, idHex: c.idHex, algorithm: c.algorithm, hash: "SHA-256", data });
              count++;
            }
          }),
        );
        if (concurrency === CONCURRENCY && workerPid) {
          const used = process.cpuUsage(cpu);
          layerCpu.push((used.user + used.system + processCpuMicros(workerPid) - workerCpu) / count);
        }
        return count / ((performance.now() - start) / 1000);
      };
      const rawCpu: number[] = [];
      const layerCpu: number[] = [];
      const raws: number[] = [];
      const ratios: number[] = [];
      const sequentialRatios: number[] = [];
      const layers: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const r1 = rawRate();
        const concurrent = await layerRate(CONCURRENCY);
        const sequential = await layerRate(1);
        const r2 = rawRate();
        const reference = (r1 + r2) / 2;
        raws.push(reference);
        layers.push(concurrent);
        ratios.push(concurrent / reference);
        sequentialRatios.push(sequential / reference);
      }
      console.log(`pkcs11_sign_${c.name}_raw_per_s: ${median(raws).toFixed(0)}`);
      console.log(`pkcs11_sign_${c.name}_layer_per_s: ${median(layers).toFixed(0)}`);
      console.log(`pkcs11_sign_${c.name}_ratio: ${median(ratios).toFixed(3)}`);
      console.log(`pkcs11_sign_${c.name}_sequential_ratio: ${median(sequentialRatios).toFixed(3)}`);
      // CPU per signature, both processes of the layer together: where the throughput gap goes.
      console.log(`pkcs11_sign_${c.name}_raw_cpu_us_per_op: ${median(rawCpu).toFixed(0)}`);
      console.log(`pkcs11_sign_${c.name}_layer_cpu_us_per_op: ${median(layerCpu).toFixed(0)}`);
    }
    raw.C_Logout(session);
    raw.C_CloseSession(session);
    raw.C_Finalize();
  } finally {
    await client.connection.close();
    await hsm.cleanup();
  }
}

main().catch((error) => {
  console.error("bench failed:", error);
  process.exitCode = 0;
});
