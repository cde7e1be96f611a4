import { percentile, report } from "@/server/bench/measure";
import { type EchoServer, startEchoServer } from "@/server/dataplane";
import { getVip, startTwoNodes, type TwoNodes, until } from "../testing/cluster-fixture";
import type { ConsoleNode } from "../testing/console-node";
import { openPgTestDatabase } from "../testing/pg-database";
import { startThrowawayPostgres } from "../testing/throwaway-postgres";

const CHANGES = 20;
const VIP = "127.0.180.20";

/**
 * Two console nodes on one PostgreSQL; node-b hosts the only SE. A change made on node-a is
 * timed until node-b's SE serves it; the reference is the same change made on node-b itself
 * (no bus in the path). Then node-a is killed while node-b's API is under requests.
 */
async function main(): Promise<void> {
  const own = process.env.TEST_DATABASE_URL ? null : startThrowawayPostgres("127.0.180.30");
  if (own) process.env.TEST_DATABASE_URL = own.url;
  const db = await openPgTestDatabase();
  const echo = await startEchoServer({ host: "127.0.180.9", port: 0, name: "bench-pool" });
  let nodes: TwoNodes | null = null;
  try {
    nodes = await startTwoNodes(db.url, JSON.stringify({ libraries: [] }), 3204);
    const remote = await propagation(nodes, nodes.a, echo, 0);
    const local = await propagation(nodes, nodes.b, echo, CHANGES);
    report("cluster_change_propagation_ms_p99", percentile(remote, 99), 0);
    report("cluster_change_propagation_ms_p50", percentile(remote, 50), 0);
    report(
      "cluster_change_propagation_ratio_to_same_node_p50",
      percentile(remote, 50) / percentile(local, 50),
    );
    report("cluster_node_loss_failed_requests", await nodeLoss(nodes), 0);
  } finally {
    nodes?.a.remove();
    nodes?.b.remove();
    await echo.close();
    await db.drop();
    own?.stop();
  }
}

/** Milliseconds from "create a virtual service" sent to `via` until its VIP port answers. */
async function propagation(
  nodes: TwoNodes,
  via: ConsoleNode,
  echo: EchoServer,
  offset: number,
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < CHANGES; i++) {
    const port = 9000 + offset + i;
    const start = performance.now();
    const created = await via.api(
      "POST",
      "/api/virtualservice",
      { token: nodes.token },
      {
        name: `bench-${offset + i}`,
        vip: VIP,
        ports: [{ port, ssl: false }],
        pool: [{ host: echo.host, port: echo.port }],
        seGroupId: nodes.seGroupId,
      },
    );
    if (created.status !== 201) throw new Error(`create failed: ${created.status} ${created.text}`);
    await until(async () => (await getVip(VIP, port))?.status === 200, `VIP port ${port}`, 60_000);
    times.push(performance.now() - start);
  }
  return times;
}

/** API requests to node-b that failed from node-a's death until node-b calls it down. */
async function nodeLoss(nodes: TwoNodes): Promise<number> {
  let failed = 0;
  let polling = true;
  const workers = Array.from({ length: 4 }, async () => {
    while (polling) {
      const r = await nodes.b.api("GET", "/api/virtualservice", { token: nodes.token }).catch(() => null);
      if (r?.status !== 200) failed++;
    }
  });
  nodes.a.kill();
  await until(async () => {
    const r = await nodes.b.api("GET", "/api/cluster", { token: nodes.token });
    return r.json.results.find((n: { name: string }) => n.name === "node-a")?.state === "down";
  }, "node-b sees node-a down");
  polling = false;
  await Promise.all(workers);
  return failed;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
