/**
 * event_loop_p99_during_p12_import_ms: the 99th percentile of event-loop delay (perf_hooks
 * monitorEventLoopDelay) while PKCS#12 imports run: a file at the iteration cap (1,000,000, PBES2
 * and legacy 3DES) and the 1 MiB file of repeated shrouded-key bags, four imports at a time.
 * Reference in the same run: the p99 with nothing running. Goal < 50 ms.
 * Run: node --import tsx server/certs/bench/p12-import.bench.ts
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { report } from "@/server/bench/measure";
import { MAX_ITERATIONS } from "../kdf";
import { parsePkcs12 } from "../pkcs12";
import { OpensslDir } from "../testing/openssl";
import { repeatedKeyBags } from "../testing/p12-bags";

const PASS = "bench";
const ssl = new OpensslDir();
ssl.rsaKey("leaf.key", 2048);
ssl.selfSigned("leaf.key", "leaf.pem", "/CN=bench.example");
const files: Buffer[] = [];
const make = (out: string, ...extra: string[]) => {
  ssl.run(
    ...["pkcs12", "-export", "-inkey", "leaf.key", "-in", "leaf.pem", "-passout", `pass:${PASS}`],
    ...["-iter", String(MAX_ITERATIONS), "-maciter", "-out", out, ...extra],
  );
  files.push(ssl.readBuffer(out));
};
make("pbes2.p12");
try {
  make("legacy.p12", "-legacy");
} catch {
  // no legacy provider in this openssl build
}
make("nomac.p12", "-nomac", "-certpbe", "NONE");
files.push(repeatedKeyBags(files.at(-1)!));

async function p99While(work: () => Promise<unknown>): Promise<number> {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  await work();
  histogram.disable();
  return histogram.percentile(99) / 1e6;
}

async function main() {
  const idle = await p99While(() => new Promise((resolve) => setTimeout(resolve, 1000)));
  const during = await p99While(() =>
    Promise.all(
      files.flatMap((der) =>
        Array.from({ length: 4 }, () => parsePkcs12({ der, password: PASS }).catch(() => null)),
      ),
    ),
  );
  report("event_loop_p99_idle_ms", idle);
  report("event_loop_p99_during_p12_import_ms", during);
  ssl.cleanup();
  process.exit(0);
}

void main();
