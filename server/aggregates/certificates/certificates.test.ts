import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/server/db/client";
import { hsmGroups, tenants } from "@/server/db/schema";
import { openTestDb } from "@/server/testing/test-db";
import {
  activeExpiryCounts,
  certificateIdNamed,
  certificatePage,
  certificatesByIds,
  certificatesInGroup,
  certificateWithGroup,
  claimStaleCreation,
  creationsStaleSince,
  failCreating,
  finishCreating,
  insertCertificate,
  keySharedWithAnother,
  loadCertificate,
  type NewCertificate,
} from "./index";

let handle: DbHandle;
let tenantA: string;
let tenantB: string;
let groupId: string;
const DAY = 86_400_000;
const now = new Date("2030-01-01T00:00:00Z");

function cert(tenantId: string, name: string, extra: Partial<NewCertificate> = {}): NewCertificate {
  return {
    tenantId,
    name,
    type: "self-signed",
    status: "active",
    keyAlgorithm: "EC",
    keyOrigin: "generated",
    ...extra,
  };
}

beforeAll(async () => {
  handle = await openTestDb();
  const [a, b] = await handle.db
    .insert(tenants)
    .values([{ name: "agg-a" }, { name: "agg-b" }])
    .returning();
  tenantA = a!.id;
  tenantB = b!.id;
  const [g] = await handle.db
    .insert(hsmGroups)
    .values({ tenantId: tenantA, name: "agg-hsm", type: "pkcs11-module" })
    .returning();
  groupId = g!.id;
});

afterAll(async () => {
  await handle?.close();
});

describe("certificates aggregate", () => {
  it("loads a certificate only in its own tenant", async () => {
    const row = await insertCertificate(handle.db, cert(tenantA, "mine"));
    expect((await loadCertificate(handle.db, tenantA, row.id)).name).toBe("mine");
    await expect(loadCertificate(handle.db, tenantB, row.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await certificateIdNamed(handle.db, tenantA, "mine")).toBe(row.id);
    expect(await certificateIdNamed(handle.db, tenantB, "mine")).toBeNull();
    expect((await certificatesByIds(handle.db, [row.id])).map((r) => r.name)).toEqual(["mine"]);
    expect(await certificatesByIds(handle.db, [])).toEqual([]);
  });

  it("leaves 'creating' once: a resolved or failed creation is not finished again", async () => {
    const row = await insertCertificate(handle.db, cert(tenantA, "creating-1", { status: "creating" }));
    expect(await finishCreating(handle.db, row.id, { status: "active" })).toBe(true);
    expect(await finishCreating(handle.db, row.id, { status: "awaiting-certificate" })).toBe(false);
    expect(await failCreating(handle.db, row.id, "late")).toBe(false);
    expect((await loadCertificate(handle.db, tenantA, row.id)).status).toBe("active");
  });

  it("one claim wins a stale creation; a claimed row is no longer stale", async () => {
    const row = await insertCertificate(
      handle.db,
      cert(tenantA, "stale-1", { status: "creating", updatedAt: new Date(now.getTime() - DAY) }),
    );
    const stale = await creationsStaleSince(handle.db, now, 100);
    expect(stale.map((r) => r.id)).toContain(row.id);
    expect(await claimStaleCreation(handle.db, row.id, now, new Date(now.getTime() + 1))).toBe(true);
    expect(await claimStaleCreation(handle.db, row.id, now, new Date(now.getTime() + 2))).toBe(false);
    expect((await creationsStaleSince(handle.db, now, 100)).map((r) => r.id)).not.toContain(row.id);
  });

  it("knows when another certificate shares a key", async () => {
    const key = { hsmGroupId: groupId, keyIdHex: "ab12" };
    const first = await insertCertificate(handle.db, cert(tenantA, "key-1", key));
    expect(await keySharedWithAnother(handle.db, { id: first.id, ...key })).toBe(false);
    await insertCertificate(handle.db, cert(tenantA, "key-2", { ...key, type: "reference" }));
    expect(await keySharedWithAnother(handle.db, { id: first.id, ...key })).toBe(true);
  });

  it("counts active certificates per expiry range and pages by expiry, undated last", async () => {
    await insertCertificate(
      handle.db,
      cert(tenantB, "b-expired", { notAfter: new Date(now.getTime() - DAY) }),
    );
    await insertCertificate(handle.db, cert(tenantB, "b-soon", { notAfter: new Date(now.getTime() + DAY) }));
    await insertCertificate(handle.db, cert(tenantB, "b-failed", { status: "failed", notAfter: now }));
    await insertCertificate(handle.db, cert(tenantB, "b-undated", { status: "creating" }));
    const counts = await activeExpiryCounts(handle.db, tenantB, {
      expired: [null, now],
      later: [now, null],
    });
    expect(counts).toEqual({ expired: 1, later: 1 });
    const page = await certificatePage(handle.db, tenantB, {
      sort: "expiry",
      direction: "asc",
      page: 1,
      pageSize: 10,
    });
    expect(page.total).toBe(4);
    expect(page.rows.map((r) => r.name)).toEqual(["b-expired", "b-failed", "b-soon", "b-undated"]);
  });

  it("lists a group's certificates of one tenant, only serving ones when asked; loads one with its group", async () => {
    const [g] = await handle.db
      .insert(hsmGroups)
      .values({ tenantId: tenantA, name: "agg-serve", type: "pkcs11-module" })
      .returning();
    const inGroup = { hsmGroupId: g!.id, keyUri: "pkcs11:id=%01", certificatePem: "PEM" };
    await insertCertificate(handle.db, cert(tenantA, "serve-b", inGroup));
    await insertCertificate(handle.db, cert(tenantA, "serve-a", inGroup));
    await insertCertificate(
      handle.db,
      cert(tenantA, "serve-csr", { ...inGroup, status: "awaiting-certificate" }),
    );
    await insertCertificate(handle.db, cert(tenantA, "serve-nopem", { ...inGroup, certificatePem: null }));
    await insertCertificate(handle.db, cert(tenantB, "serve-other-tenant", inGroup));
    const names = async (activeWithKey: boolean) =>
      (await certificatesInGroup(handle.db, tenantA, g!.id, { activeWithKey })).map((r) => r.name);
    expect(await names(true)).toEqual(["serve-a", "serve-b"]);
    expect(await names(false)).toEqual(["serve-a", "serve-b", "serve-csr", "serve-nopem"]);

    const soft = await insertCertificate(handle.db, cert(tenantA, "serve-soft"));
    const [a] = await certificatesInGroup(handle.db, tenantA, g!.id);
    expect((await certificateWithGroup(handle.db, tenantA, a!.id))?.group?.name).toBe("agg-serve");
    expect(await certificateWithGroup(handle.db, tenantB, a!.id)).toBeNull();
    expect((await certificateWithGroup(handle.db, null, a!.id))?.cert.name).toBe("serve-a");
    expect((await certificateWithGroup(handle.db, tenantA, soft.id))?.group).toBeNull();
  });
});
