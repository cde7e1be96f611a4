import { X509Certificate } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/schemas/auth";
import { setDbHandleForTests } from "@/server/db";
import { type EchoServer, startEchoServer } from "@/server/dataplane";
import { localGroup } from "@/server/services/certificates/testing/groups";
import { ensureDefaultSeGroup } from "@/server/services/service-engines/bootstrap";
import type { SeSupervisor } from "@/server/services/service-engines/supervisor";
import {
  randomPort,
  servedFingerprint,
  stopSeTest,
  testSupervisor,
} from "@/server/services/service-engines/testing/fixtures";
import { callerFor } from "@/server/testing/callers";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import { AVI_ORIGIN, type AviSession, avi, aviLogin } from "./testing/avi-client";

const PASSWORD = "avi-vs-admin-password";
const VIP = "127.0.151.10";
const MOVED_VIP = "127.0.151.11";

describe("Avi virtual service: pool, vsvip, HSM certificate and SE group by reference, really served", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let data: string;
  let admin: SessionUser;
  let session: AviSession;
  let supervisor: SeSupervisor;
  let echo: EchoServer;
  const caller = () => callerFor(handle.db, admin).caller;

  beforeAll(async () => {
    process.env.HSM_CONSOLE_ORIGINS = AVI_ORIGIN;
    data = useTempDataDir();
    handle = await openTestDb();
    setDbHandleForTests(handle);
    admin = await seedUser(handle.db, { username: "avi-vs-admin", password: PASSWORD });
    echo = await startEchoServer({ host: "127.0.0.1", port: 0, name: "avi-pool-echo" });
    await ensureDefaultSeGroup(handle.db);
    await localGroup(handle.db);
    supervisor = testSupervisor(handle.db);
    await supervisor.start();
    session = (await aviLogin("avi-vs-admin", PASSWORD)).session;
  }, 60_000);
  afterAll(async () => {
    delete process.env.HSM_CONSOLE_ORIGINS;
    setDbHandleForTests(undefined);
    await stopSeTest({ supervisor, echo, handle, data });
  });

  it("creates pool, vsvip and VS as Ansible does; the SE serves the HSM certificate; PATCH and DELETE", async () => {
    const seGroup = (await avi(session, "GET", "/api/serviceenginegroup?name=Default-Group")).json.results[0];
    const hsmRef = "/api/hardwaresecuritymodulegroup?name=Local-SoftHSM";
    expect(
      (
        await avi(session, "PATCH", `/api/serviceenginegroup/${seGroup.uuid}`, {
          body: { replace: { hardwaresecuritymodulegroup_ref: hsmRef } },
        })
      ).status,
    ).toBe(200);
    const [group] = await caller().serviceEngineGroups.list();
    await caller().serviceEngines.restart({ id: group!.serviceEngines[0]!.id });

    const cert = await avi(session, "POST", "/api/sslkeyandcertificate", {
      body: {
        name: "avi-vs-cert",
        hardwaresecuritymodulegroup_ref: hsmRef,
        key_params: { algorithm: "SSL_KEY_ALGORITHM_EC", ec_params: { curve: "SSL_KEY_EC_CURVE_SECP256R1" } },
        certificate: {
          self_signed: true,
          subject: { common_name: "vs.example" },
          subject_alt_names: ["vs.example"],
        },
      },
    });
    expect(cert.status).toBe(201);
    const pool = await avi(session, "POST", "/api/pool", {
      body: { name: "web-pool", servers: [{ ip: { addr: echo.host, type: "V4" }, port: echo.port }] },
    });
    expect(pool).toMatchObject({
      status: 201,
      json: {
        uuid: expect.stringMatching(/^pool-/),
        servers: [{ ip: { addr: echo.host }, port: echo.port }],
      },
    });
    const vsvip = await avi(session, "POST", "/api/vsvip", {
      body: { name: "web-vsvip", vip: [{ vip_id: "0", ip_address: { addr: VIP, type: "V4" } }] },
    });
    expect(vsvip.status).toBe(201);

    const port = randomPort();
    const body = {
      name: "web-vs",
      type: "VS_TYPE_NORMAL",
      cloud_ref: "/api/cloud?name=Default-Cloud",
      services: [{ port, enable_ssl: true }],
      vsvip_ref: vsvip.json.url,
      pool_ref: `/api/pool?name=web-pool`,
      ssl_key_and_certificate_refs: [cert.json.url],
      se_group_ref: seGroup.url,
    };
    const twoCerts = await avi(session, "POST", "/api/virtualservice", {
      body: { ...body, ssl_key_and_certificate_refs: [cert.json.url, cert.json.url] },
    });
    expect(twoCerts).toMatchObject({
      status: 400,
      json: {
        field: "ssl_key_and_certificate_refs",
        error: expect.stringMatching(/one certificate per virtual service/),
      },
    });
    const vs = await avi(session, "POST", "/api/virtualservice?include_name=true", { body });
    expect(vs.status).toBe(201);
    expect(vs.json).toMatchObject({
      uuid: expect.stringMatching(/^virtualservice-/),
      services: [{ port, enable_ssl: true }],
      vsvip_ref: `${vsvip.json.url}#web-vsvip`,
      pool_ref: `${pool.json.url}#web-pool`,
      ssl_key_and_certificate_refs: [`${cert.json.url}#avi-vs-cert`],
      se_group_ref: `${seGroup.url}#Default-Group`,
    });

    // The console's own view, and the certificate really served on the VIP.
    const id = vs.json.uuid.replace("virtualservice-", "");
    const view = await caller().virtualServices.get({ id });
    expect(view).toMatchObject({
      vip: VIP,
      state: "up",
      certificateName: "avi-vs-cert",
      pool: [{ host: echo.host, port: echo.port }],
    });
    const detail = await caller().certificates.get({
      id: cert.json.uuid.replace("sslkeyandcertificate-", ""),
    });
    expect(await servedFingerprint(VIP, port, "vs.example")).toBe(
      new X509Certificate(detail.certificatePem!).fingerprint256,
    );

    // PATCH the pool: the VS's pool changes through the VS service.
    const added = await avi(session, "PATCH", `/api/pool/${pool.json.uuid}`, {
      body: { add: { servers: [{ ip: { addr: "127.0.0.1", type: "V4" }, port: 9 }] } },
    });
    expect(added.status).toBe(200);
    expect((await caller().virtualServices.get({ id })).pool).toEqual([
      { host: echo.host, port: echo.port },
      { host: "127.0.0.1", port: 9 },
    ]);
    const removed = await avi(session, "PATCH", `/api/pool/${pool.json.uuid}`, {
      body: { delete: { servers: [{ port: 9 }] } },
    });
    expect(removed.json.servers).toHaveLength(1);
    // Moving the VsVip moves the VS.
    const moved = await avi(session, "PATCH", `/api/vsvip/${vsvip.json.uuid}`, {
      body: { replace: { vip: [{ vip_id: "0", ip_address: { addr: MOVED_VIP, type: "V4" } }] } },
    });
    expect(moved.status).toBe(200);
    expect((await caller().virtualServices.get({ id })).vip).toBe(MOVED_VIP);

    // Objects in use are not deleted; the VS goes with 204, then its pool and VsVip.
    expect((await avi(session, "DELETE", `/api/pool/${pool.json.uuid}`)).status).toBe(409);
    expect(await avi(session, "DELETE", `/api/virtualservice/${vs.json.uuid}`)).toEqual({
      status: 204,
      json: null,
    });
    expect(await avi(session, "DELETE", `/api/pool/${pool.json.uuid}`)).toEqual({ status: 204, json: null });
    expect(await avi(session, "DELETE", `/api/vsvip/${vsvip.json.uuid}`)).toEqual({
      status: 204,
      json: null,
    });
    expect(await caller().virtualServices.list()).toEqual([]);
  }, 180_000);
});
