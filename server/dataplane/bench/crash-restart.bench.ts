/**
 * How long an SE is down after nginx crashes: from the "failed" state to "running" again, against
 * the backoff delay the SE chose for that restart (the reference, same run). The test
 * (service-engine.test.ts) checks the restarts and the chosen delays; the time taken is here.
 *
 * Run: node --import tsx server/dataplane/bench/crash-restart.bench.ts
 */
import path from "node:path";
import { percentile, report } from "@/server/bench/measure";
import { resolveRunAs } from "../process";
import { ServiceEngine } from "../service-engine";
import { createToken, randomPort, randomVip, tempRoot } from "../testing/fixtures";
import { RecordedBackoff } from "../testing/recorded-backoff";
import type { ServiceEngineStatus } from "../types";

const ROUNDS = 4;

/** Resolves with the first status that passes `test`. */
function nextState(
  se: ServiceEngine,
  test: (s: ServiceEngineStatus) => boolean,
): Promise<ServiceEngineStatus> {
  return new Promise((resolve) => {
    const listener = (status: ServiceEngineStatus) => {
      if (!test(status)) return;
      se.off("state", listener);
      resolve(status);
    };
    se.on("state", listener);
  });
}

async function main() {
  const root = tempRoot("dp-bench-crash-");
  let se: ServiceEngine | undefined;
  try {
    const token = createToken(root.dir, "crash");
    const keyUri = token.generateKey("01", "EC:prime256v1");
    const backoff = new RecordedBackoff(100, 100);
    se = new ServiceEngine(
      {
        name: "bench-crash",
        dataDir: path.join(root.dir, "se"),
        hsm: { kind: "softhsm", softhsmConf: token.conf, tokenLabel: token.label, pin: token.pin },
        virtualServices: [
          {
            id: "vs",
            name: "crash",
            vip: randomVip(),
            ports: [{ port: randomPort(), ssl: true }],
            certificatePem: token.selfSignedCertificate(keyUri, "crash.bench"),
            keyUri,
            pool: [],
          },
        ],
      },
      { runAs: resolveRunAs(), health: false, backoff },
    );
    await se.start();
    const downMs: number[] = [];
    const overMs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const pid = se.status().pid!;
      const failed = nextState(se, (s) => s.state === "failed");
      const running = nextState(se, (s) => s.state === "running" && s.pid !== pid);
      process.kill(pid, "SIGKILL");
      await failed;
      const from = performance.now();
      await running;
      const down = performance.now() - from;
      downMs.push(down);
      overMs.push(down - backoff.delays.at(-1)!);
    }
    report("se_crash_restart_ms", percentile(downMs, 50), 0);
    report("se_crash_restart_over_backoff_ms", percentile(overMs, 50), 0);
  } finally {
    await se?.stop();
    root.cleanup();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
