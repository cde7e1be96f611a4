import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/schemas/auth";
import { serviceEngines } from "@/server/db/schema";
import { ensureDefaultSeGroup } from "@/server/services/service-engines/bootstrap";
import { callerFor } from "@/server/testing/callers";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import { setBus } from "./bus";
import { registerNode } from "./node-rows";
import { PgBus } from "./pg-bus";
import { askNode, serveRequests } from "./requests";
import { openPgTestDatabase } from "./testing/pg-database";

const hasPostgres = Boolean(process.env.TEST_DATABASE_URL);
const identity = (name: string) => ({
  name,
  address: "https://127.0.180.3:3204",
  version: "0.1.0",
  pid: process.pid,
  hsmClient: { name, ip: "127.0.180.3" },
});

describe("restarting an SE that another node hosts, on one node (PGlite)", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let admin: SessionUser;
  beforeAll(async () => {
    useTempDataDir();
    handle = await openTestDb();
    admin = await seedUser(handle.db, { username: "cluster-admin" });
  });
  afterAll(async () => handle?.close());

  it("is an error naming the node, never a success that did not happen", async () => {
    await ensureDefaultSeGroup(handle.db);
    await handle.db
      .update(serviceEngines)
      .set({ nodeName: "gone-node" })
      .where(eq(serviceEngines.name, "se-1"));
    const [se] = await handle.db.select().from(serviceEngines).where(eq(serviceEngines.name, "se-1"));
    const { caller } = callerFor(handle.db, admin);
    await expect(caller.serviceEngines.restart({ id: se!.id })).rejects.toThrow(
      'Could not restart service engine se-1: console node "gone-node" hosts it and has never registered with this cluster. Nothing was done',
    );
  });
});

describe.skipIf(!hasPostgres)("requests between nodes (PostgreSQL)", () => {
  let db: Awaited<ReturnType<typeof openPgTestDatabase>>;
  let bus: PgBus;
  beforeAll(async () => {
    db = await openPgTestDatabase();
    let handlers: Record<string, (id: string) => Promise<Record<string, unknown>>> = {};
    bus = new PgBus(db.handle.db, db.url, "node-b", {
      change: async () => undefined,
      requests: () => serveRequests(db.handle.db, "node-b", handlers),
    });
    handlers = {
      echo: async (id) => ({ echoed: id, by: "node-b" }),
      refuse: async () => {
        throw new Error("the SE is gone on node-b");
      },
    };
    await registerNode(db.handle.db, identity("node-b"));
    await bus.start();
    setBus(bus);
  });
  afterAll(async () => {
    setBus(null);
    await bus?.stop();
    await db?.drop();
  });

  const ask = (kind: string, target = "node-b") =>
    askNode(db.handle.db, { kind, target, subjectId: "x-1", what: "do it", from: "node-a" }, 20_000);

  it("the target carries it out and the asker gets the target's answer", async () => {
    expect(await ask("echo")).toEqual({ echoed: "x-1", by: "node-b" });
  });

  it("the target's failure is the asker's error", async () => {
    await expect(ask("refuse")).rejects.toThrow("the SE is gone on node-b");
  });

  it("a node that stopped is refused at once", async () => {
    await registerNode(db.handle.db, identity("node-c"));
    const { markStopped } = await import("./node-rows");
    await markStopped(db.handle.db, "node-c");
    await expect(ask("echo", "node-c")).rejects.toMatchObject({
      code: "CLUSTER_NODE_DOWN",
      message: expect.stringContaining('console node "node-c" hosts it and was stopped'),
    });
  });
});
