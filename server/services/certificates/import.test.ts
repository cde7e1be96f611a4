import fs from "node:fs";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/schemas/auth";
import { LEAF_EXT, OpensslDir } from "@/server/certs/testing/openssl";
import { auditLog, sslCertificates } from "@/server/db/schema";
import { closeAllConnections } from "@/server/pkcs11";
import { callerFor } from "@/server/testing/callers";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import { localGroup } from "./testing/groups";
import { tokenKeys } from "./testing/observe";

describe("importing keys and certificates: validated first, nothing left behind on bad input", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let dataDir: string;
  let admin: SessionUser;
  let group: { id: string; tenantId: string };
  const ossl = new OpensslDir();
  const caller = () => callerFor(handle.db, admin).caller;
  let keyPem: string;
  let certPem: string;

  beforeAll(async () => {
    dataDir = useTempDataDir();
    handle = await openTestDb();
    group = await localGroup(handle.db);
    admin = await seedUser(handle.db, { username: "importer" });
    ossl.ecKey("ca.key");
    ossl.selfSigned("ca.key", "ca.pem", "/CN=Import CA", [
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=keyCertSign,cRLSign",
    ]);
    keyPem = ossl.rsaKey("leaf.key");
    certPem = ossl.signed("leaf.key", "leaf.pem", "/CN=www.example.com", "ca.pem", "ca.key", LEAF_EXT);
    ossl.run(
      "pkey",
      "-in",
      "leaf.key",
      "-aes256",
      "-passout",
      "pass:right-passphrase",
      "-out",
      "leaf-enc.key",
    );
    ossl.run(
      "pkcs12",
      "-export",
      "-inkey",
      "leaf.key",
      "-in",
      "leaf.pem",
      "-certfile",
      "ca.pem",
      "-passout",
      "pass:p12-password",
      "-out",
      "leaf.p12",
    );
    ossl.ecKey("other.key");
    ossl.signed("other.key", "expired.pem", "/CN=old.example.com", "ca.pem", "ca.key", LEAF_EXT, "-1");
  });
  afterAll(async () => {
    await closeAllConnections();
    await handle?.close();
    ossl.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function nothingStored() {
    expect(await handle.db.select().from(sslCertificates)).toEqual([]);
    const keys = await tokenKeys(handle.db, group.tenantId, group.id);
    expect(keys.filter((k) => k.label.startsWith("hsm-console:bad"))).toEqual([]);
  }

  it.each([
    [
      "encrypted PEM, wrong passphrase",
      () => ({ keyPem: ossl.read("leaf-enc.key"), keyPassphrase: "wrong", certificatePem: certPem }),
      "keyPassphrase",
    ],
    [
      "PKCS#12, wrong password",
      () => ({
        pkcs12Base64: ossl.readBuffer("leaf.p12").toString("base64"),
        pkcs12Password: "nope",
        certificatePem: "",
      }),
      "pkcs12Password",
    ],
    [
      "mismatched key and certificate",
      () => ({ keyPem: ossl.read("other.key"), certificatePem: certPem }),
      "keyPem",
    ],
    ["garbage", () => ({ keyPem: "hello", certificatePem: "world" }), "keyPem"],
    [
      "an expired certificate",
      () => ({ keyPem: ossl.read("other.key"), certificatePem: ossl.read("expired.pem") }),
      "certificatePem",
    ],
    [
      "a chain that does not link",
      () => ({
        keyPem,
        certificatePem: certPem,
        chainPem: ossl.selfSigned("other.key", "stray.pem", "/CN=Stray CA"),
      }),
      "chainPem",
    ],
  ])(
    "%s: Validate explains it, import refuses it, nothing stored and no HSM object",
    async (_label, material, field) => {
      const input = material();
      const validation = await caller().certificates.validateImport({ hsmGroupId: group.id, ...input });
      expect(validation.ok).toBe(false);
      expect(validation.findings.find((f) => f.level === "error")?.message.length).toBeGreaterThan(10);
      const error = await caller()
        .certificates.import({ name: "bad-import", hsmGroupId: group.id, ...input })
        .then(
          () => null,
          (e: { cause?: { field?: string; details?: { issues?: { field: string }[] } } }) => e,
        );
      expect(error).not.toBeNull();
      // The AppError behind the tRPC error names the form field(s) at fault.
      const fields = [error?.cause?.field, ...(error?.cause?.details?.issues ?? []).map((i) => i.field)];
      expect(fields).toContain(field);
      await nothingStored();
    },
  );

  it("imports an encrypted PEM with the right passphrase into the HSM: sensitive, non-extractable, flagged imported", async () => {
    const input = {
      keyPem: ossl.read("leaf-enc.key"),
      keyPassphrase: "right-passphrase",
      certificatePem: certPem,
      chainPem: ossl.read("ca.pem"),
    };
    const validation = await caller().certificates.validateImport(input);
    expect(validation).toMatchObject({ ok: true, subjectCn: "www.example.com", keyDescription: "RSA 2048" });
    expect(await handle.db.select().from(sslCertificates)).toEqual([]); // Validate stores nothing
    const { id } = await caller().certificates.import({
      name: "imported-pem",
      hsmGroupId: group.id,
      ...input,
    });
    const cert = await caller().certificates.get({ id });
    expect(cert).toMatchObject({
      status: "active",
      type: "import",
      keyOrigin: "imported",
      subjectCn: "www.example.com",
    });
    expect(cert.chainPem).toContain("BEGIN CERTIFICATE");
    const [key] = (await tokenKeys(handle.db, group.tenantId, group.id)).filter(
      (k) => k.idHex === cert.keyIdHex,
    );
    expect(key).toMatchObject({ sensitive: true, extractable: false, origin: "imported" });
    expect((await caller().certificates.testKey({ id })).results[0]!.ok).toBe(true);
    const [entry] = await handle.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "certificates.import"), eq(auditLog.outcome, "success")));
    expect(entry!.detail).toMatchObject({ keyOrigin: "imported", hsmGroup: "Local-SoftHSM" });
    expect(JSON.stringify(entry)).not.toContain("right-passphrase");
    await caller().certificates.remove({ id });
  });

  it("imports a PKCS#12 with its password (certificate and chain from the file), key kept in the database", async () => {
    const { id } = await caller().certificates.import({
      name: "imported-p12",
      pkcs12Base64: ossl.readBuffer("leaf.p12").toString("base64"),
      pkcs12Password: "p12-password",
    });
    const cert = await caller().certificates.get({ id });
    expect(cert).toMatchObject({
      status: "active",
      hsmGroupId: null,
      keyOrigin: "imported",
      issuer: "CN=Import CA",
    });
    expect(cert.chainPem).toContain("BEGIN CERTIFICATE");
  });

  it("references an existing HSM key by label + certificate", async () => {
    const { id } = await caller().certificates.import({
      name: "source",
      hsmGroupId: group.id,
      keyPem,
      certificatePem: certPem,
    });
    const source = await caller().certificates.get({ id });
    const ref = await caller().certificates.reference({
      name: "by-uri",
      hsmGroupId: group.id,
      keyUri: source.keyUri!,
      certificatePem: certPem,
    });
    expect((await caller().certificates.get({ id: ref.id })).type).toBe("reference");
    await expect(
      caller().certificates.reference({
        name: "wrong",
        hsmGroupId: group.id,
        keyLabel: source.keyLabel!,
        certificatePem: ossl.read("expired.pem"),
      }),
    ).rejects.toMatchObject({ message: expect.stringContaining("does not belong") });
    // Deleting the certificate that made the key leaves it for the one that references it.
    expect((await caller().certificates.remove({ id })).destroyedOn).toEqual([]);
    const held = await tokenKeys(handle.db, group.tenantId, group.id);
    expect(held.map((k) => k.idHex)).toContain(source.keyIdHex);
    expect((await caller().certificates.testKey({ id: ref.id })).results).toMatchObject([{ ok: true }]);
  });
});
