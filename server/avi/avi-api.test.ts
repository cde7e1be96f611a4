import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/schemas/auth";
import { OpensslDir } from "@/server/certs/testing/openssl";
import { setDbHandleForTests } from "@/server/db";
import { closeAllConnections } from "@/server/pkcs11";
import { localGroup } from "@/server/services/certificates/testing/groups";
import { tokenKeys } from "@/server/services/certificates/testing/observe";
import { serverPem } from "@/server/services/hsm-groups/testing/fixtures";
import { ensureDefaultSeGroup } from "@/server/services/service-engines/bootstrap";
import { callerFor } from "@/server/testing/callers";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import { AVI_ORIGIN, type AviSession, avi, aviLogin, aviLogout } from "./testing/avi-client";

const PASSWORD = "avi-admin-password";

describe("Avi-compatible REST: the SDK's login, shapes and semantics over the console's procedures", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let admin: SessionUser;
  let session: AviSession;
  let local: { id: string; tenantId: string };
  const ossl = new OpensslDir();
  const caller = () => callerFor(handle.db, admin).caller;

  beforeAll(async () => {
    process.env.HSM_CONSOLE_ORIGINS = AVI_ORIGIN;
    // A low limit, so that the sign-in throttle is seen through /login in a few attempts.
    process.env.HSM_CONSOLE_LOGIN_MAX_ACCOUNT_FAILURES = "2";
    useTempDataDir();
    handle = await openTestDb();
    setDbHandleForTests(handle);
    admin = await seedUser(handle.db, { username: "avi-admin", password: PASSWORD });
    local = await localGroup(handle.db);
    await ensureDefaultSeGroup(handle.db);
    const login = await aviLogin("avi-admin", PASSWORD);
    expect(login.status).toBe(200);
    session = login.session;
  });
  afterAll(async () => {
    delete process.env.HSM_CONSOLE_ORIGINS;
    delete process.env.HSM_CONSOLE_LOGIN_MAX_ACCOUNT_FAILURES;
    await closeAllConnections();
    setDbHandleForTests(undefined);
    await handle?.close();
    ossl.cleanup();
  });

  it("logs in like the SDK, refuses writes without X-CSRFToken or Referer, logs out", async () => {
    const own = await aviLogin("avi-admin", PASSWORD);
    expect(own.json).toMatchObject({ session_cookie_name: "avi-sessionid", version: { Version: "30.2.1" } });
    expect(own.session.csrf).toMatch(/^[0-9a-f]{64}$/);
    const body = {
      name: "csrf-probe",
      type: "SSL_CERTIFICATE_TYPE_VIRTUALSERVICE",
      certificate: { self_signed: true, subject: { common_name: "x.example" } },
    };
    const forged = await avi(own.session, "POST", "/api/sslkeyandcertificate", { body, noCsrf: true });
    expect(forged).toMatchObject({ status: 403, json: { error: expect.stringMatching(/X-CSRFToken/) } });
    const noReferer = await avi(own.session, "POST", "/api/sslkeyandcertificate", { body, referer: null });
    expect(noReferer).toMatchObject({ status: 403, json: { error: expect.stringMatching(/Referer/) } });
    const elsewhere = await avi(own.session, "POST", "/api/sslkeyandcertificate", {
      body,
      referer: "https://evil.example",
    });
    expect(elsewhere.status).toBe(403);
    expect((await caller().certificates.list({})).items.map((c) => c.name)).not.toContain("csrf-probe");
    // The refusal is audited; reads need no CSRF token.
    const audit = await caller().audit.list({ action: "avi.csrf", pageSize: 10 });
    expect(audit.items.length).toBeGreaterThan(0);
    expect((await avi(own.session, "GET", "/api/tenant", { noCsrf: true })).status).toBe(200);

    expect(await aviLogout(own.session)).toBe(200);
    const after = await avi(own.session, "GET", "/api/tenant");
    expect(after.status).toBe(401);
    expect(after.json).toMatchObject({ error: expect.any(String) });

    const wrong = await aviLogin("avi-admin", "not-the-password");
    expect(wrong).toMatchObject({ status: 401, json: { error: "Wrong username or password." } });
    // The sign-in page's throttle: past the limit even the right password is refused for a while.
    await seedUser(handle.db, { username: "avi-throttled", password: PASSWORD });
    const attempts = [];
    for (let i = 0; i < 3; i++) attempts.push((await aviLogin("avi-throttled", "wrong-password")).status);
    expect(attempts).toEqual([401, 401, 429]);
    const locked = await aviLogin("avi-throttled", PASSWORD);
    expect(locked).toMatchObject({
      status: 429,
      json: { error: expect.stringMatching(/Too many failed sign-in attempts/) },
    });
    const signIns = await caller().audit.list({ action: "auth.login", pageSize: 10 });
    expect(signIns.items.map((e) => e.outcome)).toEqual(expect.arrayContaining(["success", "denied"]));
  });

  it("logs in with a console API token: the token's role applies, revoking it ends the session", async () => {
    const { secret, id } = await caller().apiTokens.create({
      name: "avi-ro",
      role: "read-only",
      expiresInDays: 1,
    });
    const login = await aviLogin("avi-admin", "", secret);
    expect(login.status).toBe(200);
    expect((await avi(login.session, "GET", "/api/tenant")).status).toBe(200);
    const write = await avi(login.session, "POST", "/api/pool", { body: { name: "ro-pool", servers: [] } });
    expect(write.status).toBe(403);
    expect((await aviLogin("someone-else", "", secret)).status).toBe(401);
    await caller().apiTokens.revoke({ id });
    expect((await avi(login.session, "GET", "/api/tenant")).status).toBe(401);
  });

  it("X-Avi-Tenant is honoured within the caller's tenant, refused for another", async () => {
    const tenants = await avi(session, "GET", "/api/tenant?name=admin");
    expect(tenants.json).toMatchObject({
      count: 1,
      results: [{ name: "admin", uuid: `tenant-${admin.tenantId}` }],
    });
    const other = await avi(session, "GET", "/api/tenant", { tenant: "someone-else" });
    expect(other).toMatchObject({
      status: 403,
      json: { error: expect.stringMatching(/belongs to tenant "admin"/) },
    });
    const write = await avi(session, "POST", "/api/pool", {
      tenant: "someone-else",
      body: { name: "elsewhere", servers: [] },
    });
    expect(write.status).toBe(403);
    const refusals = await caller().audit.list({ action: "avi.tenant", pageSize: 10 });
    expect(refusals.items[0]).toMatchObject({
      outcome: "denied",
      actorName: "avi-admin",
      objectName: "someone-else",
    });
    expect(await caller().pools.list()).toEqual([]);
    const users = await avi(session, "GET", "/api/user?name=avi-admin");
    expect(users.json.results[0]).toMatchObject({ username: "avi-admin", uuid: `user-${admin.id}` });
  });

  it("creates an HSM group with two sluna servers and HA; the password never comes back", async () => {
    const pems = [await serverPem("127.0.150.11"), await serverPem("127.0.150.12")];
    const created = await avi(session, "POST", "/api/hardwaresecuritymodulegroup", {
      body: {
        name: "luna-ha",
        hsm: {
          type: "HSM_TYPE_SAFENET_LUNA",
          sluna: {
            is_ha: true,
            server: pems.map((pem, i) => ({
              index: i + 1,
              remote_ip: `127.0.150.${11 + i}`,
              server_cert: pem,
              partition_passwd: `partition-secret-${i}`,
              partition_label: `par${i}`,
            })),
          },
        },
      },
    });
    expect(created.status).toBe(201);
    const g = created.json;
    expect(g.uuid).toMatch(/^hardwaresecuritymodulegroup-[0-9a-f-]{36}$/);
    expect(g.url).toBe(`${AVI_ORIGIN}/api/hardwaresecuritymodulegroup/${g.uuid}`);
    expect(g.tenant_ref).toBe(`${AVI_ORIGIN}/api/tenant/tenant-${admin.tenantId}`);
    expect(g.hsm.sluna).toMatchObject({
      is_ha: true,
      server: [
        { index: 1, remote_ip: "127.0.150.11" },
        { index: 2, remote_ip: "127.0.150.12" },
      ],
    });
    expect(JSON.stringify(g)).not.toContain("partition-secret");
    const console_ = await caller().hsmGroups.get({ id: g.uuid.split("-").slice(1).join("-") });
    expect(console_).toMatchObject({
      type: "safenet-luna",
      isHa: true,
      servers: [{ partition: "par0" }, { partition: "par1" }],
    });

    // An Avi body without the partition label is refused naming the field; a serial cannot be told.
    const noLabel = await avi(session, "POST", "/api/hardwaresecuritymodulegroup", {
      body: {
        name: "nolabel",
        hsm: {
          type: "HSM_TYPE_SAFENET_LUNA",
          sluna: {
            is_ha: false,
            server: [{ index: 1, remote_ip: "127.0.150.13", server_cert: pems[0], partition_passwd: "p" }],
          },
        },
      },
    });
    expect(noLabel).toMatchObject({ status: 400, json: { field: "hsm.sluna.server.0.partition_label" } });
    const serial = await avi(session, "POST", "/api/hardwaresecuritymodulegroup", {
      body: {
        name: "serial",
        hsm: {
          type: "HSM_TYPE_SAFENET_LUNA",
          sluna: {
            is_ha: false,
            server: [
              {
                index: 1,
                remote_ip: "127.0.150.13",
                server_cert: pems[0],
                partition_passwd: "p",
                partition_label: "p1",
                partition_serial_number: "1234",
              },
            ],
          },
        },
      },
    });
    expect(serial).toMatchObject({
      status: 400,
      json: { field: "hsm.sluna.server.0.partition_serial_number" },
    });

    // The console's own refusal, named with Avi's field.
    const badIp = await avi(session, "POST", "/api/hardwaresecuritymodulegroup", {
      body: {
        name: "badip",
        hsm: {
          type: "HSM_TYPE_SAFENET_LUNA",
          sluna: {
            is_ha: false,
            server: [
              {
                index: 1,
                remote_ip: "999.1.1.1",
                server_cert: pems[0],
                partition_passwd: "p",
                partition_label: "p1",
              },
            ],
          },
        },
      },
    });
    expect(badIp).toMatchObject({ status: 400, json: { field: "hsm.sluna.server.0.remote_ip" } });
    // GET-modify-PUT as Ansible does: the password is kept, HA turned off.
    const got = await avi(session, "GET", `/api/hardwaresecuritymodulegroup/${g.uuid}`);
    got.json.hsm.sluna.is_ha = false;
    const put = await avi(session, "PUT", `/api/hardwaresecuritymodulegroup/${g.uuid}`, { body: got.json });
    expect(put).toMatchObject({ status: 200, json: { hsm: { sluna: { is_ha: false } } } });
    // PATCH replace, then DELETE answers 204 with no body.
    const patched = await avi(session, "PATCH", `/api/hardwaresecuritymodulegroup/${g.uuid}`, {
      body: { replace: { name: "luna-renamed" } },
    });
    expect(patched).toMatchObject({ status: 200, json: { name: "luna-renamed", uuid: g.uuid } });
    const deleted = await avi(session, "DELETE", `/api/hardwaresecuritymodulegroup/${g.uuid}`);
    expect(deleted).toEqual({ status: 204, json: null });
    expect((await avi(session, "GET", `/api/hardwaresecuritymodulegroup/${g.uuid}`)).status).toBe(404);
  });

  it("creates an SSL certificate with key_params in an HSM group: the key is on the token", async () => {
    const hsmRef = `/api/hardwaresecuritymodulegroup?name=Local-SoftHSM`;
    const created = await avi(session, "POST", "/api/sslkeyandcertificate?include_name", {
      body: {
        name: "avi-web",
        type: "SSL_CERTIFICATE_TYPE_VIRTUALSERVICE",
        hardwaresecuritymodulegroup_ref: hsmRef,
        key_params: { algorithm: "SSL_KEY_ALGORITHM_EC", ec_params: { curve: "SSL_KEY_EC_CURVE_SECP256R1" } },
        certificate: {
          self_signed: true,
          days_until_expire: 30,
          subject: { common_name: "web.example", organization: "Example" },
          subject_alt_names: ["web.example", "127.0.0.1"],
        },
      },
    });
    expect(created.status).toBe(201);
    const c = created.json;
    expect(c).toMatchObject({
      status: "SSL_CERTIFICATE_FINISHED",
      hardwaresecuritymodulegroup_ref: `${AVI_ORIGIN}/api/hardwaresecuritymodulegroup/hardwaresecuritymodulegroup-${local.id}#Local-SoftHSM`,
      key_params: { algorithm: "SSL_KEY_ALGORITHM_EC", ec_params: { curve: "SSL_KEY_EC_CURVE_SECP256R1" } },
      certificate: {
        self_signed: true,
        subject: { common_name: "web.example", organization: "Example" },
        subject_alt_names: ["web.example", "127.0.0.1"],
      },
    });
    expect(c.certificate.certificate).toContain("BEGIN CERTIFICATE");
    expect(c.certificate.days_until_expire).toBeGreaterThanOrEqual(29);
    const id = c.uuid.replace("sslkeyandcertificate-", "");
    const keys = await tokenKeys(handle.db, local.tenantId, local.id);
    expect(keys.some((k) => k.label === "hsm-console:avi-web")).toBe(true);
    expect((await caller().certificates.get({ id })).keyUri).toContain("type=private");

    const weak = await avi(session, "POST", "/api/sslkeyandcertificate", {
      body: {
        name: "weak",
        key_params: { algorithm: "SSL_KEY_ALGORITHM_RSA", rsa_params: { key_size: "SSL_KEY_1024_BITS" } },
        certificate: { self_signed: true, subject: { common_name: "w" } },
      },
    });
    expect(weak).toMatchObject({
      status: 400,
      json: { field: "key_params.rsa_params.key_size", error: expect.stringMatching(/too weak/) },
    });
    const longCn = await avi(session, "POST", "/api/sslkeyandcertificate", {
      body: { name: "long-cn", certificate: { self_signed: true, subject: { common_name: "x".repeat(65) } } },
    });
    expect(longCn).toMatchObject({
      status: 400,
      json: {
        field: "certificate.subject.common_name",
        error: expect.stringMatching(/^certificate\.subject\.common_name: /),
      },
    });
    const unknown = await avi(session, "POST", "/api/sslkeyandcertificate", {
      body: {
        name: "unknown",
        enable_ocsp_stapling: true,
        certificate: { self_signed: true, subject: { common_name: "u" } },
      },
    });
    expect(unknown).toMatchObject({
      status: 400,
      json: {
        field: "enable_ocsp_stapling",
        error: expect.stringMatching(/Unsupported field "enable_ocsp_stapling"/),
      },
    });
  });

  it("completes a CSR with PUT certificate.certificate", async () => {
    const created = await avi(session, "POST", "/api/sslkeyandcertificate", {
      body: {
        name: "avi-csr",
        hardwaresecuritymodulegroup_ref: `/api/hardwaresecuritymodulegroup/hardwaresecuritymodulegroup-${local.id}`,
        key_params: { algorithm: "SSL_KEY_ALGORITHM_RSA", rsa_params: { key_size: "SSL_KEY_2048_BITS" } },
        certificate: { subject: { common_name: "csr.example" }, subject_alt_names: ["csr.example"] },
      },
    });
    expect(created).toMatchObject({
      status: 201,
      json: { status: "SSL_CERTIFICATE_PENDING", certificate: { self_signed: false } },
    });
    const csr = created.json.certificate.certificate_signing_request as string;
    expect(csr).toContain("BEGIN CERTIFICATE REQUEST");
    ossl.ecKey("ca.key");
    ossl.selfSigned("ca.key", "ca.pem", "/CN=Avi Test CA", ["-addext", "basicConstraints=critical,CA:TRUE"]);
    ossl.write("req.csr", csr);
    const signed = ossl.signCsr(
      "req.csr",
      "signed.pem",
      "ca.pem",
      "ca.key",
      "subjectAltName=DNS:csr.example\n",
    );
    const body = { ...created.json, certificate: { ...created.json.certificate, certificate: signed } };
    const put = await avi(session, "PUT", `/api/sslkeyandcertificate/${created.json.uuid}`, { body });
    expect(put).toMatchObject({
      status: 200,
      json: {
        status: "SSL_CERTIFICATE_FINISHED",
        certificate: { issuer: { distinguished_name: "CN=Avi Test CA" } },
      },
    });
    // Console actions and collection actions stay reachable, with Avi uuids in the path.
    const history = await avi(session, "POST", `/api/sslkeyandcertificate/${created.json.uuid}/history`);
    expect(history.status).toBe(200);
    expect(history.json.map((e: { action: string }) => e.action)).toContain("certificates.uploadSigned");
    const validated = await avi(session, "POST", "/api/sslkeyandcertificate/validateimport", {
      body: { certificatePem: signed },
    });
    expect(validated).toMatchObject({ status: 201, json: { ok: false } });
    // Other changes are refused, naming the field.
    const renamed = await avi(session, "PUT", `/api/sslkeyandcertificate/${created.json.uuid}`, {
      body: { ...put.json, name: "other" },
    });
    expect(renamed).toMatchObject({ status: 400, json: { field: "name" } });
  });

  it("sets the SE group's hardwaresecuritymodulegroup_ref (seen by the console's own procedure)", async () => {
    const found = await avi(session, "GET", "/api/serviceenginegroup?name=Default-Group");
    const group = found.json.results[0];
    expect(group.hardwaresecuritymodulegroup_ref).toBeUndefined();
    const put = await avi(session, "PUT", `/api/serviceenginegroup/${group.uuid}`, {
      body: {
        ...group,
        hardwaresecuritymodulegroup_ref: `${AVI_ORIGIN}/api/hardwaresecuritymodulegroup/hardwaresecuritymodulegroup-${local.id}#Local-SoftHSM`,
      },
    });
    expect(put.status).toBe(200);
    const seGroups = await caller().serviceEngineGroups.list();
    expect(seGroups.find((g) => g.name === "Default-Group")?.hsmGroupId).toBe(local.id);
    const unknown = await avi(session, "PATCH", `/api/serviceenginegroup/${group.uuid}`, {
      body: { replace: { enable_hsm_log: true } },
    });
    expect(unknown).toMatchObject({ status: 400, json: { field: "enable_hsm_log" } });
    const cleared = await avi(session, "PATCH", `/api/serviceenginegroup/${group.uuid}`, {
      body: { delete: { hardwaresecuritymodulegroup_ref: null } },
    });
    expect(cleared.status).toBe(200);
    expect(
      (await caller().serviceEngineGroups.list()).find((g) => g.name === "Default-Group")?.hsmGroupId,
    ).toBeNull();
  });

  it("pages through 60 certificates with page_size and next, as get_objects_iter does", async () => {
    const { sslCertificates } = await import("@/server/db/schema");
    const now = Date.now();
    await handle.db.insert(sslCertificates).values(
      Array.from({ length: 60 }, (_, i) => ({
        tenantId: admin.tenantId,
        name: `page-${String(i).padStart(2, "0")}`,
        type: "self-signed" as const,
        status: "active" as const,
        keyAlgorithm: "EC" as const,
        keyOrigin: "generated" as const,
        subjectCn: `page-${i}.example`,
        notBefore: new Date(now - 86_400_000),
        notAfter: new Date(now + 86_400_000),
      })),
    );
    const seen: string[] = [];
    let next: string | undefined = "/api/sslkeyandcertificate?page_size=25";
    let pages = 0;
    let count = 0;
    while (next) {
      const page = await avi(session, "GET", next);
      expect(page.status).toBe(200);
      seen.push(...page.json.results.map((c: { name: string }) => c.name));
      count = page.json.count;
      next = page.json.next;
      pages++;
    }
    expect(seen.filter((n) => n.startsWith("page-"))).toHaveLength(60);
    expect(new Set(seen).size).toBe(count);
    expect(pages).toBe(Math.ceil(count / 25));
    const bad = await avi(session, "GET", "/api/sslkeyandcertificate?page_size=500");
    expect(bad).toMatchObject({ status: 400, json: { field: "page_size" } });
  });
  it("follows Ansible's flow: lookup with include_refs/include_name, tenant_ref and cloud_ref by name", async () => {
    const lookup = "/api/pool?name=ansible-pool&include_refs=&include_name=";
    expect((await avi(session, "GET", lookup)).json).toEqual({ count: 0, results: [] });
    const body = {
      name: "ansible-pool",
      tenant_ref: "/api/tenant?name=admin",
      cloud_ref: "/api/cloud?name=Default-Cloud",
      servers: [{ ip: { addr: "127.0.150.30", type: "V4" }, port: 8080 }],
      lb_algorithm: "LB_ALGORITHM_ROUND_ROBIN",
    };
    expect((await avi(session, "POST", "/api/pool", { body })).status).toBe(201);
    const found = (await avi(session, "GET", lookup)).json.results[0];
    // Ansible reads the tenant's name after "#" and compares it with its tenant_ref's name.
    expect(found.tenant_ref.split("#")[1]).toBe("admin");
    const again = await avi(session, "PUT", `/api/pool/${found.uuid}`, { body: { ...found, ...body } });
    expect(again.status).toBe(200);
    const otherCloud = await avi(session, "PUT", `/api/pool/${found.uuid}`, {
      body: { ...body, cloud_ref: "/api/cloud?name=vcenter" },
    });
    expect(otherCloud).toMatchObject({ status: 400, json: { field: "cloud_ref" } });
    const otherTenant = await avi(session, "PUT", `/api/pool/${found.uuid}`, {
      body: { ...body, tenant_ref: "/api/tenant?name=someone-else" },
    });
    expect(otherTenant).toMatchObject({ status: 403, json: { field: "tenant_ref" } });
    const leastConnections = await avi(session, "PATCH", `/api/pool/${found.uuid}`, {
      body: { replace: { lb_algorithm: "LB_ALGORITHM_LEAST_CONNECTIONS" } },
    });
    expect(leastConnections).toMatchObject({ status: 400, json: { field: "lb_algorithm" } });
    const query = await avi(session, "GET", "/api/pool?sort=name");
    expect(query).toMatchObject({ status: 400, json: { field: "sort" } });
    expect(await avi(session, "DELETE", `/api/pool/${found.uuid}`)).toEqual({ status: 204, json: null });
  });
});
