import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clusterNodes } from "@/server/db/schema";
import { registerNode } from "./node-rows";
import { SingletonRunner } from "./singleton";
import { openPgTestDatabase } from "./testing/pg-database";

const hasPostgres = Boolean(process.env.TEST_DATABASE_URL);
const identity = (name: string) => ({
  name,
  address: "https://127.0.180.4:3204",
  version: "0.1.0",
  pid: process.pid,
  hsmClient: { name, ip: "127.0.180.4" },
});

describe.skipIf(!hasPostgres)("singleton work under an advisory lock", () => {
  let db: Awaited<ReturnType<typeof openPgTestDatabase>>;
  beforeAll(async () => {
    db = await openPgTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("runs a job on one node at a time and hands it over when that node's connection dies", async () => {
    const runs: string[] = [];
    const job = (node: string) => ({
      name: `expiry-${db.url}`,
      start: () => {
        runs.push(`${node} started`);
        return () => runs.push(`${node} stopped`);
      },
    });
    // An hour between tries: only tryNow() below takes locks, so the test decides when.
    const a = new SingletonRunner(db.url, "node-a", [job("a")], 3_600_000);
    const b = new SingletonRunner(db.url, "node-b", [job("b")], 3_600_000);
    await a.start();
    await b.start();
    expect(a.held()).toHaveLength(1);
    expect(b.held()).toHaveLength(0);
    await b.tryNow();
    expect(runs).toEqual(["a started"]);

    // Node a dies: PostgreSQL ends its session and with it the lock.
    const { Client } = await import("pg");
    const admin = new Client({ connectionString: db.url });
    await admin.connect();
    await admin.query(
      "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query like 'select pg_try_advisory_lock%' and pid <> pg_backend_pid() and pid = (select pid from pg_locks where locktype = 'advisory' and granted limit 1)",
    );
    await admin.end();
    await b.tryNow();
    expect(b.held()).toHaveLength(1);
    expect(runs).toContain("b started");
    // Node a noticed the loss too (its next try) and does not run the job beside b.
    await a.tryNow();
    expect(runs).toContain("a stopped");
    expect(a.held()).toHaveLength(0);
    await a.stop();
    await b.stop();
  });

  it("a holder that vanished without closing its connection is fenced once it missed its heartbeats", async () => {
    const runs: string[] = [];
    const job = (node: string) => ({
      name: `reconcile-${db.url}`,
      start: () => {
        runs.push(`${node} started`);
        return () => runs.push(`${node} stopped`);
      },
    });
    for (const name of ["node-a", "node-b"]) await registerNode(db.handle.db, identity(name));
    const a = new SingletonRunner(db.url, "node-a", [job("a")], 3_600_000);
    const b = new SingletonRunner(db.url, "node-b", [job("b")], 3_600_000);
    await a.start();
    await b.start();
    expect(runs).toEqual(["a started"]);
    // Still heard from: node-b leaves it alone.
    await b.tryNow();
    expect(b.held()).toEqual([]);
    // node-a's host froze: its connection stays open, its heartbeat stops.
    await db.handle.db
      .update(clusterNodes)
      .set({ heartbeatAt: sql`now() - interval '1 minute'` })
      .where(eq(clusterNodes.name, "node-a"));
    for (let i = 0; i < 50 && b.held().length === 0; i++) {
      await b.tryNow();
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(b.held()).toHaveLength(1);
    expect(runs).toContain("b started");
    await a.tryNow();
    expect(a.held()).toEqual([]);
    await a.stop();
    await b.stop();
  });
});

describe("singleton work on PGlite", () => {
  it("without PostgreSQL (PGlite, one node) the jobs simply run", async () => {
    const runs: string[] = [];
    const only = new SingletonRunner(null, "alone", [
      {
        name: "x",
        start: () => {
          runs.push("x");
          return () => undefined;
        },
      },
    ]);
    await only.start();
    expect(runs).toEqual(["x"]);
    await only.stop();
  });
});
