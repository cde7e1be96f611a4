/**
 * A rolling restart of a 2-SE group (Restart all: one SE at a time, each waited for) under a
 * client making real HTTPS requests to the VIP, four at a time:
 *   se_rolling_restart_down_ms: the longest time one SE had no nginx (sampled every 20 ms);
 *   se_rolling_restart_served_while_down: whole requests answered inside those windows (goal > 0);
 *   se_rolling_restart_failed_requests: requests that failed over the whole restart (a few queued
 *   on the stopping SE's socket are reset).
 * supervisor.test.ts checks that the VIP answers while each SE is down; the times are here.
 * Run: node --import tsx server/services/service-engines/bench/rolling-restart.bench.ts
 */
import "./server-only-shim";

const VIP = "127.0.140.10";

async function main(): Promise<void> {
  const { useTempDataDir: tempDataDir } = await import("@/server/testing/test-env");
  const data = tempDataDir();
  const { openTestDb } = await import("@/server/testing/test-db");
  const { seedUser } = await import("@/server/testing/seed");
  const { callerFor } = await import("@/server/testing/callers");
  const { probeVirtualService, startEchoServer } = await import("@/server/dataplane");
  const { ensureLocalHsm } = await import("../../hsm-groups/local-softhsm");
  const { ensureDefaultSeGroup } = await import("../bootstrap");
  const { createHsmCertificate, randomPort, stopSeTest, testSupervisor } = await import("../testing/fixtures");
  const quiet = console.log;
  console.log = () => {}; // the services' chatter; only figures go to stdout
  const handle = await openTestDb();
  const echo = await startEchoServer({ host: "127.0.0.1", port: 0, name: "bench-echo" });
  const supervisor = testSupervisor(handle.db);
  const figures: Array<[string, number]> = [];
  try {
    await ensureLocalHsm(handle.db);
    const admin = await seedUser(handle.db, { username: "admin" });
    const cert = await createHsmCertificate(handle.db, admin.tenantId, "bench-cert", "bench.example");
    const { groupId } = await ensureDefaultSeGroup(handle.db);
    await supervisor.start();
    const { caller } = callerFor(handle.db, admin);
    await caller.serviceEngineGroups.update({ id: groupId, hsmGroupId: cert.localGroupId, seCount: 2 });
    const [group] = await caller.serviceEngineGroups.list();
    for (const se of group!.serviceEngines) await caller.serviceEngines.restart({ id: se.id });
    const port = randomPort();
    await caller.virtualServices.create({
      name: "bench",
      vip: VIP,
      ports: [{ port, ssl: true }],
      certificateId: cert.id,
      pool: [{ host: echo.host, port: echo.port }],
      seGroupId: groupId,
    });
    const ids = group!.serviceEngines.map((s) => s.id);
    let stop = false;
    const served: Array<{ from: number; to: number }> = [];
    let failed = 0;
    const loop = Promise.all(
      Array.from({ length: 4 }, async () => {
        while (!stop) {
          const from = Date.now();
          const r = await probeVirtualService({ vip: VIP, port, timeoutMs: 2000 });
          if (r.ok) served.push({ from, to: Date.now() });
          else failed++;
        }
      }),
    );
    const samples: Array<{ at: number; up: boolean[] }> = [];
    const sample = setInterval(() => {
      samples.push({
        at: Date.now(),
        up: ids.map((id) => {
          const status = supervisor.status(id);
          return status?.state === "running" && status.pid !== null;
        }),
      });
    }, 20);
    await caller.serviceEngineGroups.restartAll({ id: groupId });
    clearInterval(sample);
    stop = true;
    await loop;
    let longest = 0;
    let during = 0;
    for (const i of ids.keys()) {
      const down = samples.filter((x) => !x.up[i]);
      if (down.length === 0) continue;
      const from = down[0]!.at;
      const to = down.at(-1)!.at;
      longest = Math.max(longest, to - from);
      during += served.filter((r) => r.from >= from && r.to <= to).length;
    }
    figures.push(["se_rolling_restart_down_ms", longest]);
    figures.push(["se_rolling_restart_served_while_down", during]);
    figures.push(["se_rolling_restart_failed_requests", failed]);
  } finally {
    await stopSeTest({ supervisor, echo, handle, data });
    console.log = quiet;
  }
  for (const [name, value] of figures) console.log(`${name}: ${value}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
