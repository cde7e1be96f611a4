import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Change } from "./bus";
import { PgBus } from "./pg-bus";
import { openPgTestDatabase } from "./testing/pg-database";

const hasPostgres = Boolean(process.env.TEST_DATABASE_URL);

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never: ${what}`);
}

describe.skipIf(!hasPostgres)("the cluster bus on PostgreSQL (LISTEN/NOTIFY with catch-up)", () => {
  let db: Awaited<ReturnType<typeof openPgTestDatabase>>;
  const heard: Change[] = [];
  const busOf = (node: string, into: Change[]) =>
    new PgBus(db.handle.db, db.url, node, {
      change: async (c) => void into.push(c),
      requests: async () => undefined,
    });
  beforeAll(async () => {
    db = await openPgTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("delivers another node's change, never the node's own", async () => {
    const a = busOf("node-a", []);
    const b = busOf("node-b", heard);
    await a.start();
    await b.start();
    await a.publish("se-group", "group-1");
    await b.publish("se-group", "group-own");
    await until(() => heard.length === 1 && b.lastId >= 2, "node-b hears node-a's change");
    expect(heard.map((c) => [c.kind, c.subjectId, c.originNode])).toEqual([
      ["se-group", "group-1", "node-a"],
    ]);
    await a.stop();
    await b.stop();
  });

  it("a node that was away reads, in order, every change made meanwhile", async () => {
    const a = busOf("node-a", []);
    await a.start();
    const b = busOf("node-b", heard);
    await b.start();
    const from = b.lastId;
    await b.stop();
    heard.length = 0;
    for (const id of ["g-1", "g-2", "g-3"]) await a.publish("se-group", id);
    const back = busOf("node-b", heard);
    await back.start(from);
    await until(() => heard.length === 3, "the three changes are applied on start");
    expect(heard.map((c) => c.subjectId)).toEqual(["g-1", "g-2", "g-3"]);
    await a.stop();
    await back.stop();
  });

  it("after its LISTEN connection is cut, a node reconnects and applies what it missed", async () => {
    const a = busOf("node-a", []);
    const b = busOf("node-b", heard);
    await a.start();
    await b.start();
    heard.length = 0;
    const { Client } = await import("pg");
    const admin = new Client({ connectionString: db.url });
    await admin.connect();
    const cut = await admin.query(
      "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query = 'LISTEN hsm_console_cluster'",
    );
    expect(cut.rowCount).toBeGreaterThanOrEqual(2);
    await admin.end();
    await a.publish("hsm-group", "while-cut");
    await until(() => heard.some((c) => c.subjectId === "while-cut"), "node-b applies the change");
    expect(heard.filter((c) => c.subjectId === "while-cut")).toHaveLength(1);
    await a.stop();
    await b.stop();
  });
});
