import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/schemas/auth";
import type { Db } from "@/server/db";
import { sslCertificates } from "@/server/db/schema";
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
  "certificates.get": async (db, a) => ({ id: await certificateOf(db, a) }),
  "certificates.history": async (db, a) => ({ id: await certificateOf(db, a) }),
  "certificates.keyHolders": async (db, a) => ({ id: await certificateOf(db, a) }),
  "certificates.testKey": async (db, a) => ({ id: await certificateOf(db, a) }),
  "certificates.remove": async (db, a) => ({ id: await certificateOf(db, a) }),
  "certificates.renew": async (db, a) => ({ id: await certificateOf(db, a), newKey: false }),
  "certificates.uploadSigned": async (db, a) => ({
    id: await certificateOf(db, a),
    certificatePem: "-----BEGIN CERTIFICATE-----",
  }),
};

/** A certificate row of tenant A (no key needed: tenant B must be refused before any use). */
async function certificateOf(db: Db, owner: SessionUser): Promise<string> {
  const [row] = await db
    .insert(sslCertificates)
    .values({
      tenantId: owner.tenantId,
      name: `victim-cert-${crypto.randomUUID().slice(0, 8)}`,
      type: "self-signed",
      status: "active",
      keyAlgorithm: "EC",
      keyOrigin: "generated",
    })
    .returning();
  return row!.id;
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
    const { caller: owner } = callerFor(handle.db, tenantA);
    if (path.startsWith("users.")) {
      const users = await owner.users.list();
      const target = users.find((u) => u.id === input.id);
      expect(target?.disabled).toBe(false);
    } else if (path.startsWith("certificates.")) {
      await expect(owner.certificates.get({ id: input.id as string })).resolves.toMatchObject({
        status: "active",
      });
    }
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
