import crypto from "node:crypto";
import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/schemas/auth";
import { encryptSecret } from "@/server/crypto/secrets";
import type { Db } from "@/server/db";
import {
  aviObjects,
  hsmGroups,
  hsmPackages,
  hsmServers,
  serviceEngineGroups,
  serviceEngines,
  sslCertificates,
  tenants,
  virtualServices,
} from "@/server/db/schema";
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
  "apiTokens.revoke": async (db, ownerA) => {
    const { createApiToken } = await import("@/server/services/api-tokens/create-api-token");
    const actor = { ...ownerA, userId: ownerA.id, address: null };
    const token = await createApiToken(db, actor, { name: "victim", role: "read-only", expiresInDays: 1 });
    return { id: token.id };
  },
  ...Object.fromEntries(
    [
      "testConnection",
      "listSlots",
      "accessState",
      "openAccess",
      "closeAccess",
      "haStatus",
      "setUpHa",
      "synchronise",
      "health",
      "healthPicture",
    ].map((name) => [
      `hsmGroupActions.${name}`,
      async (db: Db, ownerA: SessionUser) => ({ id: await hsmGroupOf(db, ownerA) }),
    ]),
  ),
  "hsmPackages.remove": async (db) => {
    const [row] = await db
      .insert(hsmPackages)
      .values({
        type: "safenet",
        fileName: "safenet.tar",
        size: 1,
        sha256: "00",
        members: [],
        uploadedBy: "a",
      })
      .returning();
    return { id: row!.id };
  },
  ...hsmGroupFixtures(),
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
  // Avi's Pool and VsVip objects (issue #18); attach is also tried with B's own pool below.
  "pools.update": async (db) => ({ id: (await aviObjectIn(db, "pool")).id, name: "stolen", servers: [] }),
  "pools.remove": async (db) => ({ id: (await aviObjectIn(db, "pool")).id }),
  "pools.attach": async (db) => ({
    id: (await aviObjectIn(db, "pool")).id,
    virtualServiceId: (await vsIn(db, "tenant-a")).id,
  }),
  "vsVips.update": async (db) => ({
    id: (await aviObjectIn(db, "vsvip")).id,
    name: "stolen",
    vip: "127.0.94.252",
  }),
  "vsVips.remove": async (db) => ({ id: (await aviObjectIn(db, "vsvip")).id }),
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

/**
 * Every procedure that reaches an HSM through an `hsmGroupId`: called by tenant B with tenant A's
 * group. A new procedure taking an HSM group without an entry here fails the test below.
 */
const HSM_GROUP_FIXTURES: Record<
  string,
  (group: string, db: Db, b: SessionUser) => Promise<Record<string, unknown>>
> = {
  "certificates.create": async (hsmGroupId) => ({
    name: "stolen-key",
    type: "self-signed",
    hsmGroupId,
    key: "EC-P-256",
    commonName: "stolen.example",
    validityDays: 1,
  }),
  "certificates.keyOptions": async (hsmGroupId) => ({ hsmGroupId }),
  "certificates.inventory": async (hsmGroupId) => ({ hsmGroupId }),
  "certificates.removeOrphan": async (hsmGroupId) => ({ hsmGroupId, idHex: "0a0b" }),
  "certificates.import": async (hsmGroupId) => ({
    name: "stolen-import",
    hsmGroupId,
    ...(await keyAndCert()),
  }),
  "certificates.reference": async (hsmGroupId) => ({
    name: "stolen-ref",
    hsmGroupId,
    keyLabel: "any",
    certificatePem: (await keyAndCert()).certificatePem,
  }),
  "serviceEngineGroups.update": async (hsmGroupId, db) => ({
    id: (await seGroupIn(db, "tenant-b")).id,
    hsmGroupId,
    seCount: 1,
  }),
};

async function keyAndCert() {
  const { createSelfSigned } = await import("@/server/ntls/self-signed");
  const made = await createSelfSigned({ commonName: "stolen.example" });
  return { keyPem: made.keyPem, certificatePem: made.certPem };
}

/** Takes an hsmGroupId but never opens the group (findings on the pasted files only). */
const IGNORES_HSM_GROUP = new Set(["certificates.validateImport"]);

function takesHsmGroup(p: AnyProcedure): boolean {
  return p._def.inputs.some((schema) => schema.shape !== undefined && "hsmGroupId" in schema.shape);
}

async function hsmGroupOf(db: Db, owner: SessionUser): Promise<string> {
  const [group] = await db
    .insert(hsmGroups)
    .values({
      tenantId: owner.tenantId,
      name: `g-${Date.now()}-${Math.random()}`.slice(0, 60),
      type: "pkcs11-module",
    })
    .returning();
  await db.insert(hsmServers).values({
    groupId: group!.id,
    position: 0,
    partition: "t",
    partitionPasswordEnc: encryptSecret("x", "hsm_servers.partition_password"),
  });
  return group!.id;
}

/** An HSM group of tenant A (a PKCS#11 module group: no appliance needed) for every hsmGroups procedure. */
function hsmGroupFixtures(): typeof ID_FIXTURES {
  const group = async (db: Db, ownerA: SessionUser) => {
    const { caller } = callerFor(db, ownerA);
    return caller.hsmGroups.create({
      name: `victim-g-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`,
      type: "pkcs11-module",
      moduleLibrary: "/usr/lib/softhsm/libsofthsm2.so",
      servers: [{ partition: "t", partitionPassword: "1234" }],
    });
  };
  const byId = async (db: Db, a: SessionUser) => ({ id: (await group(db, a)).id });
  const other = "00000000-0000-4000-8000-000000000000";
  return {
    "hsmGroups.get": byId,
    "hsmGroups.remove": byId,
    "hsmGroups.clients": byId,
    "hsmGroups.clientCertificate": async (db, a) => ({ ...(await byId(db, a)), client: "any-client" }),
    "hsmGroups.serverCerts": byId,
    "hsmGroups.checkNow": byId,
    "hsmGroups.update": async (db, a) => {
      const g = await group(db, a);
      return {
        id: g.id,
        name: "stolen",
        type: g.type,
        moduleLibrary: g.moduleLibrary,
        servers: [{ id: g.servers[0]!.id, partition: "t" }],
      };
    },
    "hsmGroups.rotateClient": async (db, a) => ({ id: (await group(db, a)).id, clientId: other }),
    "hsmGroups.trustServerCert": async (db, a) => ({
      id: (await group(db, a)).id,
      serverId: other,
      fingerprint: "AA",
    }),
    "hsmGroups.registerClients": async (db, a) => ({
      id: (await group(db, a)).id,
      serverId: other,
      adminApiUrl: "https://127.0.0.1:8443",
      username: "admin",
      password: "x",
    }),
  };
}

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

async function aviObjectIn(db: Db, kind: "pool" | "vsvip") {
  const [tenant] = await db.select().from(tenants).where(eq(tenants.name, "tenant-a"));
  const [row] = await db
    .insert(aviObjects)
    .values({
      tenantId: tenant!.id,
      kind,
      name: `victim-${kind}-${crypto.randomUUID().slice(0, 8)}`,
      servers: kind === "pool" ? [] : null,
      vip: kind === "vsvip" ? "127.0.94.253" : null,
    })
    .returning();
  return row!;
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

  it("pools.attach refuses another tenant's virtual service for the caller's own pool", async () => {
    const { caller } = callerFor(handle.db, tenantB);
    const pool = await caller.pools.create({ name: `own-${Date.now()}`, servers: [] });
    const victim = await vsIn(handle.db, "tenant-a");
    await expect(caller.pools.attach({ id: pool.id, virtualServiceId: victim.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    const [row] = await handle.db.select().from(aviObjects).where(eq(aviObjects.id, pool.id));
    expect(row!.virtualServiceId).toBeNull();
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
    const checked = ["users.", "hsmGroups.", "apiTokens.", "certificates."];
    if (!checked.some((prefix) => path.startsWith(prefix))) return;
    const { caller: owner } = callerFor(handle.db, tenantA);
    if (path.startsWith("hsmGroups.")) {
      const group = await owner.hsmGroups.get({ id: input.id as string });
      expect(group.name).toMatch(/^victim-g-/);
      return;
    }
    if (path.startsWith("users.")) {
      const target = (await owner.users.list()).find((u) => u.id === input.id);
      expect(target?.disabled).toBe(false);
    } else if (path.startsWith("certificates.")) {
      await expect(owner.certificates.get({ id: input.id as string })).resolves.toMatchObject({
        status: "active",
      });
    } else {
      const token = (await owner.apiTokens.list()).find((t) => t.id === input.id);
      expect(token?.status).toBe("active");
    }
  });

  it("has a cross-tenant HSM group fixture for every procedure that takes an HSM group", () => {
    const missing = procedures
      .filter(([path, p]) => takesHsmGroup(p) && !HSM_GROUP_FIXTURES[path] && !IGNORES_HSM_GROUP.has(path))
      .map(([path]) => path);
    expect(missing).toEqual([]);
  });

  it.each(Object.keys(HSM_GROUP_FIXTURES))("%s refuses another tenant's HSM group", async (path) => {
    const group = await hsmGroupOf(handle.db, tenantA);
    const input = await HSM_GROUP_FIXTURES[path]!(group, handle.db, tenantB);
    const { caller } = callerFor(handle.db, tenantB);
    const error = await call(caller, path, input).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TRPCError);
    // Not found in B's tenant, or refused on the field naming the HSM group.
    expect(["NOT_FOUND", "FORBIDDEN", "BAD_REQUEST"]).toContain((error as TRPCError).code);
    expect((error as TRPCError).message).toMatch(/HSM group/i);
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
