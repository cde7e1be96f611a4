import { createPublicKey, X509Certificate } from "node:crypto";
import fs from "node:fs";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/schemas/auth";
import { auditLog, sslCertificates } from "@/server/db/schema";
import { openHsmGroup } from "@/server/hsm/hsm-access";
import { closeAllConnections } from "@/server/pkcs11";
import type { SoftHsmFixture } from "@/server/pkcs11/testing/fixtures";
import { callerFor } from "@/server/testing/callers";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import { keyIdHexFor, keyLabelFor, newCertificateId } from "./key-material";
import { INTERRUPTED_REASON, resolveInterruptedCreations } from "./resolve-interrupted";
import { haGroup, localGroup } from "./testing/groups";

/** Two hours on: every row made now is past its creation deadline (at most 10 minutes). */
const LATER = () => Date.now() + 2 * 3600_000;

/**
 * The states a crash leaves behind, made for real (intent row, key objects in SoftHSM tokens),
 * then resolved by the reconciler as it runs at start and every minute.
 */
describe("interrupted creations are resolved by the console", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let dataDir: string;
  let admin: SessionUser;
  let local: { id: string; tenantId: string };
  let ha: { id: string; hsm: SoftHsmFixture };
  const caller = () => callerFor(handle.db, admin).caller;

  beforeAll(async () => {
    dataDir = useTempDataDir();
    handle = await openTestDb();
    admin = await seedUser(handle.db, { username: "ri-admin" });
    local = await localGroup(handle.db);
    ha = await haGroup(handle.db, admin.tenantId, "ri-ha", ["ri-1", "ri-2"]);
  }, 60_000);
  afterAll(async () => {
    await closeAllConnections();
    await handle?.close();
    await ha?.hsm.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** The intent row exactly as "create" or "import" writes it. */
  async function intentRow(name: string, groupId: string, type: "self-signed" | "csr" | "import") {
    const id = newCertificateId();
    await handle.db.insert(sslCertificates).values({
      id,
      tenantId: admin.tenantId,
      name,
      type,
      status: "creating",
      hsmGroupId: groupId,
      keyIdHex: keyIdHexFor(id),
      keyLabel: keyLabelFor(name),
      keyAlgorithm: "EC",
      keyBits: 256,
      keyCurve: "P-256",
      keyOrigin: type === "import" ? "imported" : "generated",
      subjectCn: `${name}.test`,
      subject: { dn: `CN=${name}.test`, validityDays: "30" },
      subjectAltNames: { dns: [`${name}.test`], ip: [] },
    });
    return { id, idHex: keyIdHexFor(id) };
  }

  /** The key pair as the token call leaves it, on the given members only. */
  async function keyOn(groupId: string, members: number[], idHex: string, name: string) {
    const access = await openHsmGroup(handle.db, admin.tenantId, groupId);
    for (const i of members) {
      const m = access.members[i]!;
      await m.client.generateKeyPair({
        token: m.token,
        idHex,
        label: keyLabelFor(name),
        spec: { type: "EC", curve: "P-256" },
      });
    }
  }

  async function holders(groupId: string, idHex: string): Promise<string[]> {
    const access = await openHsmGroup(handle.db, admin.tenantId, groupId);
    const out: string[] = [];
    for (const m of access.members)
      if ((await m.client.findKeys(m.token, { idHex })).length > 0) out.push(m.name);
    return out;
  }

  it("leaves a creation younger than its deadline alone", async () => {
    const row = await intentRow("ri-young", local.id, "self-signed");
    const report = await resolveInterruptedCreations(handle.db);
    expect(report.failed).not.toContain(row.id);
    expect((await caller().certificates.get({ id: row.id })).status).toBe("creating");
    await resolveInterruptedCreations(handle.db, { now: LATER() });
  }, 60_000);

  it("fails a creation interrupted before its key existed", async () => {
    const row = await intentRow("ri-nokey", local.id, "self-signed");
    const report = await resolveInterruptedCreations(handle.db, { now: LATER() });
    expect(report.failed).toContain(row.id);
    expect(await caller().certificates.get({ id: row.id })).toMatchObject({
      status: "failed",
      failureReason: INTERRUPTED_REASON,
    });
    const entries = await handle.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.objectId, row.id), eq(auditLog.action, "certificates.resolveInterrupted")));
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actorName: "reconciler", outcome: "success" });
  }, 60_000);

  it("finishes a self-signed certificate whose key pair is complete", async () => {
    const row = await intentRow("ri-pair", local.id, "self-signed");
    await keyOn(local.id, [0], row.idHex, "ri-pair");
    const report = await resolveInterruptedCreations(handle.db, { now: LATER() });
    expect(report.finished).toContain(row.id);
    const cert = await caller().certificates.get({ id: row.id });
    expect(cert).toMatchObject({ status: "active", keyMembers: ["hsm-console-local"] });
    const x509 = new X509Certificate(cert.certificatePem!);
    expect(x509.subject).toBe("CN=ri-pair.test");
    // The certificate carries the key that is in the token.
    const access = await openHsmGroup(handle.db, admin.tenantId, local.id);
    const spki = await access.members[0]!.client.getPublicKey(access.members[0]!.token, row.idHex);
    expect(x509.publicKey.export({ type: "spki", format: "der" })).toEqual(
      createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" }).export({
        type: "spki",
        format: "der",
      }),
    );
    expect((await caller().certificates.testKey({ id: row.id })).results[0]!.ok).toBe(true);
  }, 60_000);

  it("finishes a CSR whose key pair is complete: it then awaits its certificate", async () => {
    const row = await intentRow("ri-csr", local.id, "csr");
    await keyOn(local.id, [0], row.idHex, "ri-csr");
    await resolveInterruptedCreations(handle.db, { now: LATER() });
    const cert = await caller().certificates.get({ id: row.id });
    expect(cert.status).toBe("awaiting-certificate");
    expect(cert.csrPem).toContain("BEGIN CERTIFICATE REQUEST");
  }, 60_000);

  it("fails an HA creation replicated to one member only and removes the half-made key", async () => {
    const row = await intentRow("ri-half", ha.id, "self-signed");
    await keyOn(ha.id, [0], row.idHex, "ri-half");
    expect(await holders(ha.id, row.idHex)).toEqual(["ri-1"]);
    const report = await resolveInterruptedCreations(handle.db, { now: LATER() });
    expect(report.failed).toContain(row.id);
    expect(await holders(ha.id, row.idHex)).toEqual([]);
    expect((await caller().certificates.get({ id: row.id })).status).toBe("failed");
  }, 60_000);

  it("fails an interrupted import (its key material is gone) and removes the imported key", async () => {
    const row = await intentRow("ri-import", local.id, "import");
    await keyOn(local.id, [0], row.idHex, "ri-import");
    await resolveInterruptedCreations(handle.db, { now: LATER() });
    expect(await holders(local.id, row.idHex)).toEqual([]);
    expect((await caller().certificates.get({ id: row.id })).failureReason).toBe(INTERRUPTED_REASON);
  }, 60_000);

  it("resolves each row once when several console nodes run the reconciler at the same time", async () => {
    const rows = await Promise.all(
      ["ri-n1", "ri-n2", "ri-n3"].map((n) => intentRow(n, local.id, "self-signed")),
    );
    const now = LATER();
    const reports = await Promise.all([1, 2, 3].map(() => resolveInterruptedCreations(handle.db, { now })));
    for (const row of rows) {
      expect(reports.filter((r) => r.failed.includes(row.id))).toHaveLength(1);
      const entries = await handle.db.select().from(auditLog).where(eq(auditLog.objectId, row.id));
      expect(entries).toHaveLength(1);
    }
  }, 60_000);
});
