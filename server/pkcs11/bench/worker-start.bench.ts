/**
 * A PKCS#11 worker started from the compiled entry (build/pkcs11-worker.cjs, plain node) against
 * one started from the TypeScript source under tsx, same token, same run: start time (fork until
 * the worker's hello) and resident memory once it has logged in, made an EC key and signed.
 * Rounds alternate the two kinds so that load drift on a shared machine hits both alike.
 * Run: node scripts/build-server.mjs && node --import tsx server/pkcs11/bench/worker-start.bench.ts
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { decodeBytes, encodeBytes, type OpName, type RpcResponse, type WorkerOps } from "../rpc";
import { softHsmFixture, USER_PIN } from "../testing/fixtures";
import { type WorkerKind, workerCommand } from "../worker-command";
import { forkWorker } from "../worker-process";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Resident set of another process in MB, from /proc. */
function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+) kB/m);
  return Number(line?.[1] ?? 0) / 1024;
}

function nextMessage(child: ChildProcess): Promise<unknown> {
  return new Promise((resolve, reject) => {
    child.once("message", (m) => resolve(decodeBytes(m)));
    child.once("exit", (code) => reject(new Error(`worker exited with ${code}`)));
  });
}

let nextId = 1;
async function call<K extends OpName>(
  child: ChildProcess,
  op: K,
  args: WorkerOps[K]["args"],
): Promise<unknown> {
  const answer = nextMessage(child);
  child.send(encodeBytes({ id: nextId++, op, args }) as object);
  const response = (await answer) as RpcResponse;
  if (!response.ok) throw new Error(`${op}: ${response.error.message}`);
  return response.result;
}

async function measure(kind: WorkerKind, spec: Parameters<typeof forkWorker>[0]) {
  const started = performance.now();
  const child = forkWorker(spec, workerCommand(kind));
  await nextMessage(child); // hello
  const startMs = performance.now() - started;
  const token = { label: "bench" };
  await call(child, "login", { token, pin: USER_PIN });
  const idHex = nextId.toString(16).padStart(4, "0");
  await call(child, "generateKeyPair", {
    token,
    idHex,
    label: `ec-${idHex}`,
    spec: { type: "EC", curve: "P-256" },
  });
  await call(child, "sign", {
    token,
    idHex,
    algorithm: "ECDSA",
    hash: "SHA-256",
    data: Buffer.from("bench"),
  });
  const rss = rssMb(child.pid as number);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.disconnect();
  await exited;
  return { startMs, rss };
}

/** What any Node process holds (the floor under both kinds): an idle child with an IPC channel. */
async function bareNodeRssMb(): Promise<number> {
  const script = "process.send('up'); setInterval(() => {}, 1000)";
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  await nextMessage(child);
  const rss = rssMb(child.pid as number);
  child.kill();
  return rss;
}

async function main(): Promise<void> {
  if (!existsSync(workerCommand("compiled").entry)) {
    throw new Error("no compiled worker: run node scripts/build-server.mjs first (scripts/bench.sh does)");
  }
  const hsm = await softHsmFixture(["bench"]);
  const spec = hsm.spec("bench", { niceness: 0 });
  const figures: Record<WorkerKind, { startMs: number[]; rss: number[] }> = {
    compiled: { startMs: [], rss: [] },
    source: { startMs: [], rss: [] },
  };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const order: WorkerKind[] = round % 2 ? ["source", "compiled"] : ["compiled", "source"];
      for (const kind of order) {
        const { startMs, rss } = await measure(kind, spec);
        figures[kind].startMs.push(startMs);
        figures[kind].rss.push(rss);
      }
    }
  } finally {
    await hsm.cleanup();
  }
  const line = (name: string, compiled: number[], tsx: number[]) => {
    const c = median(compiled);
    const t = median(tsx);
    console.log(`${name}: ${c.toFixed(1)}`);
    console.log(`${name}_tsx: ${t.toFixed(1)}`);
    console.log(`${name}_ratio: ${(c / t).toFixed(2)}`);
  };
  line("pkcs11_worker_rss_mb", figures.compiled.rss, figures.source.rss);
  console.log(`node_process_rss_mb: ${(await bareNodeRssMb()).toFixed(1)}`);
  line("pkcs11_worker_start_ms", figures.compiled.startMs, figures.source.startMs);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
