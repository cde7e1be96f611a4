import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/schemas/auth";
import { hsmPackages } from "@/server/db/schema";
import {
  closeAllConnections,
  createSoftHsmEnvironment,
  initSoftHsmToken,
  SOFTHSM_LIBRARY,
} from "@/server/pkcs11";
import { settled } from "@/server/services/certificates/testing/observe";
import { callerFor } from "@/server/testing/callers";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";

/**
 * Two tenants, each with its own security administrator, and one real SoftHSM token that only
 * tenant A knows the PIN of. Tenant B names the same library, environment and partition in a group
 * of its own: the console must not let B ride A's login.
 */
describe("one PKCS#11 identity per HSM group", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let dataDir: string;
  let secA: SessionUser;
  let secB: SessionUser;
  let confPath: string;
  const PIN_A = "pin-of-tenant-a";

  beforeAll(async () => {
    dataDir = useTempDataDir();
    process.env.HSM_CONSOLE_ORPHAN_GRACE_SECONDS = "0";
    handle = await openTestDb();
    secA = await seedUser(handle.db, { username: "sec-a", tenant: "tenant-a", role: "security-admin" });
    secB = await seedUser(handle.db, { username: "sec-b", tenant: "tenant-b", role: "security-admin" });
    // Inside the data folder: the installation's default allow-list lets SOFTHSM2_CONF point there.
    ({ confPath } = await createSoftHsmEnvironment(path.join(dataDir, "tokens")));
    await initSoftHsmToken({ confPath, label: "shared", soPin: "so-pin-a", userPin: PIN_A });
  }, 60_000);

  afterAll(async () => {
    delete process.env.HSM_CONSOLE_ORPHAN_GRACE_SECONDS;
    await closeAllConnections();
    await handle?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const groupInput = (name: string, password: string) => ({
    name,
    type: "pkcs11-module" as const,
    moduleLibrary: SOFTHSM_LIBRARY,
    moduleEnv: `SOFTHSM2_CONF=${confPath}`,
    servers: [{ partition: "shared", partitionPassword: password }],
  });

  it("B cannot use A's login, see A's keys or destroy them", async () => {
    const a = callerFor(handle.db, secA).caller;
    const b = callerFor(handle.db, secB).caller;
    const groupA = await a.hsmGroups.create(groupInput("hsm-a", PIN_A));
    const tested = await a.hsmGroupActions.testConnection({ id: groupA.id });
    expect(tested.ok).toBe(true);
    const cert = await a.certificates.create({
      name: "a-cert",
      type: "self-signed",
      hsmGroupId: groupA.id,
      key: "EC-P-256",
      commonName: "a.example",
      validityDays: 30,
    });
    expect((await settled(handle.db, secA, cert.id)).status).toBe("active");
    const keysOfA = (await a.certificates.inventory({ hsmGroupId: groupA.id })).keys;
    const keyOfA = keysOfA.find((k) => k.certificateId === cert.id);
    expect(keyOfA).toBeDefined();

    const groupB = await b.hsmGroups.create(groupInput("hsm-b", "not-the-pin"));
    const testB = await b.hsmGroupActions.testConnection({ id: groupB.id });
    expect(testB.ok).toBe(false);
    await expect(b.certificates.inventory({ hsmGroupId: groupB.id })).rejects.toThrow(/password|PIN/i);
    await expect(
      b.certificates.removeOrphan({ hsmGroupId: groupB.id, idHex: keyOfA!.idHex }),
    ).rejects.toThrow();
    await expect(
      b.certificates.create({
        name: "b-cert",
        type: "self-signed",
        hsmGroupId: groupB.id,
        key: "EC-P-256",
        commonName: "b.example",
        validityDays: 30,
      }),
    ).rejects.toThrow();

    // A's login, PIN and key are untouched by B's attempts.
    const after = (await a.certificates.inventory({ hsmGroupId: groupA.id })).keys;
    expect(after.map((k) => k.idHex)).toContain(keyOfA!.idHex);
    await expect(a.certificates.testKey({ id: cert.id })).resolves.toMatchObject({ results: [{ ok: true }] });
  }, 120_000);

  it("scopes health, the library environment and package uploaders to the tenant and role", async () => {
    const a = callerFor(handle.db, secA).caller;
    const b = callerFor(handle.db, secB).caller;
    const [groupA] = await a.hsmGroups.list();
    const [groupB] = await b.hsmGroups.list();
    // A's connection is logged in; B's own connection to the same token is not.
    expect((await a.hsmGroupActions.health({ id: groupA!.id })).members[0]).toMatchObject({ loggedIn: true });
    expect((await b.hsmGroupActions.health({ id: groupB!.id })).members[0]).toMatchObject({
      loggedIn: false,
    });
    // The library environment: security roles only.
    expect((await a.hsmGroups.get({ id: groupA!.id })).moduleEnv).toEqual({ SOFTHSM2_CONF: confPath });
    const readerA = await seedUser(handle.db, {
      username: "reader-a",
      tenant: "tenant-a",
      role: "read-only",
    });
    const reader = callerFor(handle.db, readerA).caller;
    expect((await reader.hsmGroups.get({ id: groupA!.id })).moduleEnv).toBeNull();
    expect((await reader.hsmGroups.list()).map((g) => g.moduleEnv)).toEqual([null]);
    // Packages are the installation's: another tenant sees them, not who uploaded them.
    await handle.db.insert(hsmPackages).values({
      type: "safenet",
      fileName: "safenet.tar",
      size: 1,
      sha256: "00",
      members: [],
      uploadedBy: "root-person",
    });
    const listed = await b.hsmPackages.list();
    expect(listed.map((p) => p.fileName)).toEqual(["safenet.tar"]);
    expect(JSON.stringify(listed)).not.toContain("root-person");
  }, 60_000);
});
