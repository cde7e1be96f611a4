import crypto from "node:crypto";
import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/schemas/auth";
import type { Db } from "@/server/db";
import { serviceEngineGroups, serviceEngines, tenants, virtualServices } from "@/server/db/schema";
import { callerFor } from "@/server/testing/callers";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import { appRouter } from "@/server/trpc/router";

/** The only procedures reachable without a session. Adding one here is a security decision. */
const PUBLIC = new Set(["auth.status", "auth.setup", "auth.login"]);

type AnyProcedure = { _def: { type: "query" | "mutation"; inputs: { shape?: Record<string, unknown> }[] } };
const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, AnyProcedure>);

/**
 * For every procedure that takes an object id: makes an object in tenant A and returns the
 * input that targets it. A new id-taking procedure without an entry here fails the test below.
 */
const ID_FIXTURES: Record<string, (db: Db, ownerA: SessionUser) => Promise<Record<string, unknown>>> = {
  "users.update": async (db) => ({
    id: (await seedUser(db, { username: `victim-u-${Date.now()}`, tenant: "tenant-a" })).id,
    disabled: true,
  }),
  "users.remove": async (db) => ({
    id: (await seedUser(db, { username: `victim-r-${Date.now()}`, tenant: "tenant-a" })).id,
  }),
  "serviceEngineGroups.update": async (db) => ({ id: (await seGroupIn(db, "tenant-a")).id, seCount: 2 }),
  "serviceEngineGroups.restartAll": async (db) => ({ id: (await seGroupIn(db, "tenant-a")).id }),
  "serviceEngines.restart": async (db) => ({ id: (await seIn(db, "tenant-a")).id }),
  "virtualServices.get": async (db) => ({ id: (await vsIn(db, "tenant-a")).id }),
  "virtualServices.test": async (db) => ({ id: (await vsIn(db, "tenant-a")).id }),
  "virtualServices.remove": async (db) => ({ id: (await vsIn(db, "tenant-a")).id }),
  "virtualServices.update": async (db) => {
    const vs = await vsIn(db, "tenant-a");
    return {
      id: vs.id,
      name: "stolen",
      vip: "127.0.94.250",
      ports: [{ port: 20001, ssl: false }],
      pool: [{ host: "127.0.0.1", port: 8081 }],
      seGroupId: vs.seGroupId,
    };
  },
};

async function seGroupIn(db: Db, tenantName: string) {
  const [tenant] = await db.select().from(tenants).where(eq(tenants.name, tenantName));
  const [group] = await db
    .insert(serviceEngineGroups)
    .values({ tenantId: tenant!.id, name: `g-${crypto.randomUUID().slice(0, 8)}` })
    .returning();
  return group!;
}

async function seIn(db: Db, tenantName: string) {
  const group = await seGroupIn(db, tenantName);
  const [se] = await db
    .insert(serviceEngines)
    .values({
      groupId: group.id,
      name: `se-${crypto.randomUUID()}`,
      nodeName: "other-node",
      managementIp: "127.0.0.1",
    })
    .returning();
  return se!;
}

async function vsIn(db: Db, tenantName: string) {
  const group = await seGroupIn(db, tenantName);
  const [vs] = await db
    .insert(virtualServices)
    .values({
      tenantId: group.tenantId,
      name: `vs-${crypto.randomUUID().slice(0, 8)}`,
      vip: "127.0.94.251",
      ports: [{ port: 20000, ssl: false }],
      pool: [{ host: "127.0.0.1", port: 8081 }],
      seGroupId: group.id,
    })
    .returning();
  return vs!;
}

function takesId(p: AnyProcedure): boolean {
  return p._def.inputs.some((schema) => schema.shape !== undefined && "id" in schema.shape);
}

async function call(caller: unknown, path: string, input: unknown): Promise<unknown> {
  let target: unknown = caller;
  for (const key of path.split(".")) target = (target as Record<string, unknown>)[key];
  return (target as (i: unknown) => Promise<unknown>)(input);
}

describe("every procedure is authenticated and tenant-scoped", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let tenantA: SessionUser;
  let tenantB: SessionUser;
  beforeAll(async () => {
    useTempDataDir();
    handle = await openTestDb();
    tenantA = await seedUser(handle.db, { username: "admin-a", tenant: "tenant-a" });
    tenantB = await seedUser(handle.db, { username: "admin-b", tenant: "tenant-b" });
  });
  afterAll(async () => handle?.close());

  it("lists a non-trivial router", () => {
    expect(procedures.length).toBeGreaterThanOrEqual(10);
  });

  it.each(procedures.filter(([path]) => !PUBLIC.has(path)).map(([path]) => path))(
    "%s refuses a caller without a session",
    async (path) => {
      const { caller } = callerFor(handle.db, null);
      const error = await call(caller, path, {}).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TRPCError);
      expect((error as TRPCError).code).toBe("UNAUTHORIZED");
    },
  );

  it("has a cross-tenant fixture for every procedure that takes an id", () => {
    const missing = procedures.filter(([path, p]) => takesId(p) && !ID_FIXTURES[path]).map(([path]) => path);
    expect(missing).toEqual([]);
  });

  it.each(Object.keys(ID_FIXTURES))("%s refuses an object of another tenant", async (path) => {
    const input = await ID_FIXTURES[path]!(handle.db, tenantA);
    const { caller } = callerFor(handle.db, tenantB);
    const error = await call(caller, path, input).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TRPCError);
    expect(["NOT_FOUND", "FORBIDDEN"]).toContain((error as TRPCError).code);
    // The object is untouched and still visible to its own tenant.
    if (!path.startsWith("users.")) return;
    const { caller: owner } = callerFor(handle.db, tenantA);
    const users = await owner.users.list();
    const target = users.find((u) => u.id === input.id);
    expect(target?.disabled).toBe(false);
  });

  it("refuses changes a role does not allow, and audits the refusal", async () => {
    const reader = await seedUser(handle.db, { username: "reader-a", tenant: "tenant-a", role: "read-only" });
    const { caller } = callerFor(handle.db, reader);
    await expect(
      caller.users.create({ username: "sneaky", password: "a-long-enough-password", role: "admin" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    const { caller: owner } = callerFor(handle.db, tenantA);
    const page = await owner.audit.list({ action: "users.create", outcome: "denied" });
    expect(page.items[0]).toMatchObject({ actorName: "reader-a", outcome: "denied" });
  });
});
