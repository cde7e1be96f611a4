import { X509Certificate } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/schemas/auth";
import { OpensslDir } from "@/server/certs/testing/openssl";
import { type EchoServer, startEchoServer } from "@/server/dataplane";
import { callerFor } from "@/server/testing/callers";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import { ensureDefaultSeGroup } from "../service-engines/bootstrap";
import type { SeSupervisor } from "../service-engines/supervisor";
import { randomPort, servedFingerprint, stopSeTest, testSupervisor } from "../service-engines/testing/fixtures";
import { localGroup } from "./testing/groups";
import { settled } from "./testing/observe";

describe("a renewed certificate used by a virtual service reaches its service engines", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let data: string;
  let admin: SessionUser;
  let supervisor: SeSupervisor;
  let echo: EchoServer;
  const ossl = new OpensslDir();
  const vip = `127.0.96.${10 + Math.floor(Math.random() * 200)}`;
  const caller = () => callerFor(handle.db, admin).caller;

  beforeAll(async () => {
    data = useTempDataDir();
    handle = await openTestDb();
    admin = await seedUser(handle.db, { username: "renew-admin" });
    echo = await startEchoServer({ host: "127.0.0.1", port: 0, name: "pool-echo" });
    await ensureDefaultSeGroup(handle.db);
    supervisor = testSupervisor(handle.db);
    await supervisor.start();
  }, 60_000);

  afterAll(async () => {
    await stopSeTest({ supervisor, echo, handle, data });
    ossl.cleanup();
  });

  it("same-key renewal: new CSR, signed by a CA, uploaded → the SE serves the new certificate", async () => {
    const local = await localGroup(handle.db);
    const [seGroup] = await caller().serviceEngineGroups.list();
    await caller().serviceEngineGroups.update({ id: seGroup!.id, hsmGroupId: local.id });
    await caller().serviceEngines.restart({ id: seGroup!.serviceEngines[0]!.id });
    const created = await caller().certificates.create({
      name: "renew-me",
      type: "self-signed",
      hsmGroupId: local.id,
      key: "EC-P-256",
      commonName: "renew.example",
      dnsNames: ["renew.example"],
      validityDays: 30,
    });
    const cert = await settled(handle.db, admin, created.id);
    const port = randomPort();
    const vs = await caller().virtualServices.create({
      name: "renew-vs",
      vip,
      ports: [{ port, ssl: true }],
      certificateId: cert.id,
      pool: [{ host: echo.host, port: echo.port }],
      seGroupId: seGroup!.id,
    });
    expect(vs).toMatchObject({ state: "up" });
    expect(await servedFingerprint(vip, port, "renew.example")).toBe(
      new X509Certificate(cert.certificatePem!).fingerprint256,
    );

    const { csrPem } = await caller().certificates.renew({ id: cert.id, newKey: false });
    ossl.write("renew.csr", csrPem!);
    ossl.ecKey("ca.key");
    ossl.selfSigned("ca.key", "ca.pem", "/CN=Renewal CA", [
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=keyCertSign,cRLSign",
    ]);
    const renewed = ossl.signCsr(
      "renew.csr",
      "renewed.pem",
      "ca.pem",
      "ca.key",
      "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:renew.example\n",
      "60",
    );
    await caller().certificates.uploadSigned({
      id: cert.id,
      certificatePem: renewed,
      chainPem: ossl.read("ca.pem"),
    });
    // No restart, no VS edit: the upload itself re-applied the SE.
    expect(await servedFingerprint(vip, port, "renew.example")).toBe(
      new X509Certificate(renewed).fingerprint256,
    );
  }, 120_000);
});
