import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/schemas/auth";
import { OpensslDir } from "@/server/certs/testing/openssl";
import { decryptSecret } from "@/server/crypto/secrets";
import { localHsmTokens, serviceEngineGroups, sslCertificates, virtualServices } from "@/server/db/schema";
import { closeAllConnections } from "@/server/pkcs11";
import { callerFor } from "@/server/testing/callers";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import { localGroup } from "./testing/groups";
import { settled, tokenKeys } from "./testing/observe";

const subject = { commonName: "www.example.com", organization: "Example", country: "US" };

describe("SSL/TLS certificates with keys in the Local-SoftHSM group", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let dataDir: string;
  let admin: SessionUser;
  let group: { id: string; tenantId: string };
  const ossl = new OpensslDir();
  const caller = () => callerFor(handle.db, admin).caller;

  beforeAll(async () => {
    dataDir = useTempDataDir();
    handle = await openTestDb();
    group = await localGroup(handle.db);
    admin = await seedUser(handle.db, { username: "sec-admin" });
  });
  afterAll(async () => {
    await closeAllConnections();
    await handle?.close();
    ossl.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function create(
    name: string,
    key: "EC-P-256" | "RSA-2048" | "EC-P-384",
    type: "self-signed" | "csr" = "self-signed",
  ) {
    const created = await caller().certificates.create({
      name,
      type,
      hsmGroupId: group.id,
      key,
      ...subject,
      dnsNames: ["www.example.com"],
      ipAddresses: ["127.0.0.1"],
      validityDays: 60,
    });
    expect(created.status).toBe("creating");
    return settled(handle.db, admin, created.id);
  }

  it("offers the key types the token can generate", async () => {
    const { keys } = await caller().certificates.keyOptions({ hsmGroupId: group.id });
    expect(keys).toEqual(expect.arrayContaining(["EC-P-256", "EC-P-384", "RSA-2048", "RSA-4096"]));
  });

  it.each([["web-ec", "EC-P-256"] as const, ["web-rsa", "RSA-2048"] as const])(
    "creates a self-signed %s certificate: key sensitive and non-extractable on the token, openssl verifies",
    async (name, key) => {
      const cert = await create(name, key);
      expect(cert.failureReason).toBeNull();
      expect(cert).toMatchObject({
        status: "active",
        type: "self-signed",
        hsmGroupName: "Local-SoftHSM",
        expiry: "good",
      });
      expect(cert.keyLabel).toBe(`hsm-console:${name}`);
      expect(cert.keyIdHex).toBe(cert.id.replaceAll("-", ""));
      expect(cert.keyUri).toContain("type=private");
      expect(cert.fingerprintSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
      expect(JSON.stringify(cert)).not.toMatch(/PRIVATE KEY|keyEnc/);
      const keys = (await tokenKeys(handle.db, group.tenantId, group.id)).filter(
        (k) => k.idHex === cert.keyIdHex,
      );
      expect(keys).toMatchObject([
        { sensitive: true, extractable: false, neverExtractable: true, origin: "generated" },
      ]);
      ossl.write(`${name}.pem`, cert.certificatePem!);
      expect(ossl.run("verify", "-CAfile", `${name}.pem`, `${name}.pem`)).toContain("OK");
      const test = await caller().certificates.testKey({ id: cert.id });
      expect(test.results).toMatchObject([{ ok: true }]);
    },
  );

  it("keeps a key without an HSM group encrypted in the database, never in any output", async () => {
    const created = await caller().certificates.create({
      name: "soft",
      type: "self-signed",
      key: "EC-P-256",
      ...subject,
      validityDays: 10,
    });
    const cert = await settled(handle.db, admin, created.id);
    expect(cert).toMatchObject({ status: "active", hsmGroupId: null, keyUri: null });
    const [row] = await handle.db.select().from(sslCertificates).where(eq(sslCertificates.id, cert.id));
    expect(row!.keyEnc).toMatch(/^v1:/);
    expect(decryptSecret(row!.keyEnc!, "ssl_certificates.key")).toContain("BEGIN PRIVATE KEY");
  });

  it("refuses a duplicate name before writing anything", async () => {
    await expect(
      caller().certificates.create({
        name: "web-ec",
        type: "self-signed",
        key: "EC-P-256",
        ...subject,
        validityDays: 1,
      }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("CSR → signed by a test CA → uploaded → active; a certificate for another key is refused", async () => {
    const cert = await create("csr-web", "EC-P-256", "csr");
    expect(cert.status).toBe("awaiting-certificate");
    expect(cert.csrPem).toContain("BEGIN CERTIFICATE REQUEST");
    ossl.ecKey("ca.key");
    ossl.selfSigned("ca.key", "ca.pem", "/CN=Test CA", [
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=keyCertSign,cRLSign",
    ]);
    ossl.write("req.csr", cert.csrPem!);
    ossl.write(
      "leaf.ext",
      "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:www.example.com\n",
    );
    ossl.run(
      "x509",
      "-req",
      "-in",
      "req.csr",
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      "signed.pem",
      "-days",
      "90",
      "-extfile",
      "leaf.ext",
    );
    // A certificate for another key (the CA's own) is refused on the field.
    await expect(
      caller().certificates.uploadSigned({ id: cert.id, certificatePem: ossl.read("ca.pem") }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("another key") });
    const done = await caller().certificates.uploadSigned({
      id: cert.id,
      certificatePem: ossl.read("signed.pem") + ossl.read("ca.pem"),
    });
    expect(done.status).toBe("active");
    const active = await caller().certificates.get({ id: cert.id });
    expect(active).toMatchObject({ status: "active", issuer: "CN=Test CA" });
    expect(active.chainPem).toContain("BEGIN CERTIFICATE");
    // Renewal with the same key: a new CSR, the certificate stays active.
    const renewed = await caller().certificates.renew({ id: cert.id, newKey: false });
    expect(renewed.csrPem).toContain("BEGIN CERTIFICATE REQUEST");
    expect((await caller().certificates.get({ id: cert.id })).status).toBe("active");
  });

  it("lists with server-side pagination, sorting by name and expiry, and search", async () => {
    const page1 = await caller().certificates.list({ page: 1, pageSize: 2, sort: "name" });
    expect(page1.total).toBe(4);
    expect(page1.items.map((i) => i.name)).toEqual(["csr-web", "soft"]);
    const page2 = await caller().certificates.list({ page: 2, pageSize: 2, sort: "name" });
    expect(page2.items.map((i) => i.name)).toEqual(["web-ec", "web-rsa"]);
    const byExpiry = await caller().certificates.list({ sort: "expiry" });
    expect(byExpiry.items[0]!.name).toBe("soft"); // 10 days
    const desc = await caller().certificates.list({ sort: "expiry", direction: "desc" });
    expect(desc.items[0]!.name).toBe("csr-web"); // 90 days
    const search = await caller().certificates.list({ search: "RSA" });
    expect(search.items.map((i) => i.name)).toEqual(["web-rsa"]);
    const timeline = await caller().certificates.timeline();
    expect(timeline.buckets.reduce((s, b) => s + b.count, 0)).toBe(4);
  });

  it("serves the console-made certificate with openssl s_server through the PKCS#11 engine", async () => {
    const cert = (await caller().certificates.list({ search: "web-ec" })).items[0]!;
    const full = await caller().certificates.get({ id: cert.id });
    const [pinRow] = await handle.db.select().from(localHsmTokens);
    const pin = decryptSecret(pinRow!.userPinEnc, "local_hsm_tokens.user_pin");
    ossl.write("served.pem", full.certificatePem!);
    const port = await freePort();
    const env = { ...process.env, SOFTHSM2_CONF: path.join(dataDir, "softhsm", "softhsm2.conf") };
    const server = spawn(
      "openssl",
      [
        "s_server",
        "-engine",
        "pkcs11",
        "-keyform",
        "engine",
        "-key",
        `${full.keyUri};pin-value=${pin}`,
        "-cert",
        ossl.path("served.pem"),
        "-accept",
        `127.0.0.1:${port}`,
        "-www",
      ],
      { env, stdio: ["ignore", "pipe", "pipe"] },
    );
    try {
      await waitForPort(port);
      const out = await runClient(
        [
          "s_client",
          "-connect",
          `127.0.0.1:${port}`,
          "-verify_return_error",
          "-CAfile",
          ossl.path("served.pem"),
          "-servername",
          "www.example.com",
        ],
        env,
      );
      expect(out).toContain("Verify return code: 0 (ok)");
    } finally {
      server.kill();
    }
  });

  it("refuses to delete a certificate a virtual service uses; deleting destroys the HSM objects", async () => {
    const cert = (await caller().certificates.list({ search: "web-rsa" })).items[0]!;
    const full = await caller().certificates.get({ id: cert.id });
    const [seg] = await handle.db
      .insert(serviceEngineGroups)
      .values({ tenantId: admin.tenantId, name: "seg" })
      .returning();
    const [vs] = await handle.db
      .insert(virtualServices)
      .values({
        tenantId: admin.tenantId,
        name: "vs1",
        vip: "127.0.0.9",
        ports: [{ port: 443, ssl: true }],
        pool: [],
        seGroupId: seg!.id,
        certificateId: cert.id,
      })
      .returning();
    await expect(caller().certificates.remove({ id: cert.id })).rejects.toMatchObject({
      message: expect.stringContaining("vs1"),
    });
    expect((await caller().certificates.list({ search: "web-rsa" })).items[0]!.usedBy).toEqual([
      { id: vs!.id, name: "vs1" },
    ]);
    await handle.db.delete(virtualServices).where(eq(virtualServices.id, vs!.id));
    const removed = await caller().certificates.remove({ id: cert.id });
    expect(removed.destroyedOn).toHaveLength(1);
    const left = (await tokenKeys(handle.db, group.tenantId, group.id)).filter(
      (k) => k.idHex === full.keyIdHex,
    );
    expect(left).toEqual([]);
    const history = await caller().certificates.history({
      id: (await caller().certificates.list({ search: "web-ec" })).items[0]!.id,
    });
    expect(history.map((h) => h.action)).toEqual(
      expect.arrayContaining(["certificates.create", "certificates.testKey"]),
    );
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => {
        socket.end();
        resolve(true);
      });
      socket.on("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("s_server did not start");
}

/** s_client with an HTTP request on stdin: the -www server answers and closes, so it ends. */
function runClient(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("openssl", args, { env, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const timer = setTimeout(() => child.kill(), 20_000);
    child.on("close", () => {
      clearTimeout(timer);
      resolve(out);
    });
    child.on("error", reject);
    child.stdin.end("GET / HTTP/1.0\r\n\r\n");
  });
}
