import { spawnSync } from "node:child_process";
import crypto, { X509Certificate } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OpensslDir } from "@/server/certs/testing/openssl";
import { type EchoServer, startEchoServer } from "@/server/dataplane";
import { SOFTHSM_LIBRARY } from "@/server/pkcs11";
import { type SoftHsmFixture, softHsmFixture, USER_PIN } from "@/server/pkcs11/testing/fixtures";
import { servedFingerprint } from "@/server/services/service-engines/testing/fixtures";
import { type TwoNodes, getVip, startTwoNodes, until } from "./testing/cluster-fixture";
import { startNode } from "./testing/console-node";
import { openPgTestDatabase } from "./testing/pg-database";

const hasPostgres = Boolean(process.env.TEST_DATABASE_URL);
const ROOT = path.resolve(import.meta.dirname, "../..");
// biome-ignore lint/suspicious/noExplicitAny: REST error envelopes are checked field by field
const message = (r: { json: any }) => String((r.json?.error ?? r.json)?.message);
const PORT = 3204;
const VIP = "127.0.180.10";
const SSL_VIP = "127.0.180.11";
const AWAY_VIP = "127.0.180.12";

/**
 * Two console processes (node-a, node-b: own data folders and addresses) on one PostgreSQL.
 * node-b started first and hosts se-1; node-a hosts none until it is given se-2. Every change is
 * made through node-a, every VIP is served by node-b's SE unless said otherwise.
 */
describe.skipIf(!hasPostgres)("two console nodes on one PostgreSQL", () => {
  let db: Awaited<ReturnType<typeof openPgTestDatabase>>;
  let nodes: TwoNodes;
  let echo: EchoServer;
  let hsm: SoftHsmFixture;
  const ossl = new OpensslDir();
  const token = () => ({ token: nodes.token });
  let seOnB: { id: string; name: string };
  let sharedGroup = "";

  beforeAll(async () => {
    db = await openPgTestDatabase();
    echo = await startEchoServer({ host: "127.0.180.9", port: 0, name: "cluster-pool" });
    hsm = await softHsmFixture(["shared"]);
    const allow = JSON.stringify({
      libraries: [{ path: SOFTHSM_LIBRARY, env: { SOFTHSM2_CONF: [hsm.dir] } }],
    });
    nodes = await startTwoNodes(db.url, allow, PORT);
  }, 900_000);

  afterAll(async () => {
    nodes?.a.remove();
    nodes?.b.remove();
    await echo?.close();
    await hsm?.cleanup();
    ossl.cleanup();
    await db?.drop();
  });

  it("lists both nodes, up, with the SEs each hosts and its HSM client identity", async () => {
    const cluster = await until(async () => {
      const r = await nodes.a.api("GET", "/api/cluster", token());
      return r.json?.count === 2 && r.json.results.every((n: { state: string }) => n.state === "up") && r;
    }, "both nodes up");
    const byName = Object.fromEntries(cluster.json.results.map((n: { name: string }) => [n.name, n]));
    expect(byName["node-a"]).toMatchObject({
      self: true,
      hsmClientName: "node-a",
      hsmClientIp: "127.0.180.1",
      serviceEngines: [],
    });
    expect(byName["node-b"]).toMatchObject({
      self: false,
      hsmClientName: "node-b",
      address: `https://127.0.180.2:${PORT}`,
    });
    expect(byName["node-b"].serviceEngines.map((se: { name: string }) => se.name)).toEqual(["se-1"]);
    seOnB = byName["node-b"].serviceEngines[0];
  });

  it("the CLI shows the cluster: `show cluster`", () => {
    const fingerprint = new X509Certificate(fs.readFileSync(path.join(nodes.b.data, "tls", "console.crt")))
      .fingerprint256;
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "hsm-cluster-cli-"));
    const cli = spawnSync(
      path.join(ROOT, "bin/hsm-console"),
      ["--controller", nodes.b.base, "--token", nodes.token, "--fingerprint", fingerprint, "show", "cluster"],
      { cwd: home, env: { ...process.env, HOME: home, XDG_CONFIG_HOME: "" }, encoding: "utf8" },
    );
    fs.rmSync(home, { recursive: true, force: true });
    expect(cli.status, cli.stderr).toBe(0);
    const rowOf = (name: string) => cli.stdout.split("\n").find((line) => line.includes(`| ${name} `)) ?? "";
    expect(rowOf("node-a")).toMatch(/\| up +\|/);
    expect(rowOf("node-b")).toMatch(/\| up +\|.*\| se-1 +\|/);
  }, 120_000);

  it("a node whose master key cannot read the cluster's data refuses to start, naming the key to copy", async () => {
    const wrongKey = crypto.randomBytes(32).toString("base64");
    const start = startNode({
      name: "node-c",
      host: "127.0.180.3",
      port: PORT,
      databaseUrl: db.url,
      masterKey: wrongKey,
    });
    const refusal = await start.then(
      (node) => {
        node.remove();
        return "started";
      },
      (error: Error) => error.message,
    );
    expect(refusal).toContain("node node-c exited");
    expect(refusal).toContain(
      'This console node\'s master key (HSM_CONSOLE_MASTER_KEY) cannot decrypt the data in this database: copy the master key of node "node-b"',
    );
  }, 600_000);

  it("a virtual service created through node-a is served by node-b's SE", async () => {
    const created = await nodes.a.api("POST", "/api/virtualservice", token(), {
      name: "through-a",
      vip: VIP,
      ports: [{ port: 8080, ssl: false }],
      pool: [{ host: echo.host, port: echo.port }],
      seGroupId: nodes.seGroupId,
    });
    expect(created.status).toBe(201);
    const served = await until(() => getVip(VIP, 8080, "/hello"), "the VIP answers");
    expect(served.status).toBe(200);
  });

  it("Local-SoftHSM is one per node, usable only by that node and its SEs", async () => {
    const groups = await nodes.a.api("GET", "/api/hardwaresecuritymodulegroup", token());
    const names = groups.json.results.map((g: { name: string }) => g.name);
    expect(names).toEqual(expect.arrayContaining(["Local-SoftHSM (node-a)", "Local-SoftHSM (node-b)"]));
    expect(names).not.toContain("Local-SoftHSM");
    const ofA = groups.json.results.find((g: { name: string }) => g.name === "Local-SoftHSM (node-a)");
    // Default-Group's se-1 runs on node-b: node-a's token is out of its reach.
    const refused = await nodes.a.api("PUT", `/api/serviceenginegroup/${nodes.seGroupId}`, token(), {
      hsmGroupId: ofA.id,
    });
    expect(refused.status).toBe(400);
    expect(message(refused)).toContain(
      'only service engines on node-a reach; SE group "Default-Group" has se-1 on node-b',
    );
    // Node-b cannot use node-a's token either.
    const slots = await nodes.b.api(
      "POST",
      `/api/hardwaresecuritymodulegroup/${ofA.id}/listslots`,
      token(),
      {},
    );
    expect(slots.text).toContain("is the SoftHSM token of console node node-a; this is node node-b");
    // A certificate made there through node-a: the VS form's choice says where it can be served.
    const created = await nodes.a.api("POST", "/api/sslkeyandcertificate", token(), {
      name: "on-node-a",
      type: "self-signed",
      hsmGroupId: ofA.id,
      key: "EC-P-256",
      commonName: "node-a.example",
      validityDays: 30,
    });
    expect(created.status).toBe(201);
    await until(async () => {
      const r = await nodes.a.api("GET", `/api/sslkeyandcertificate/${created.json.id}`, token());
      return r.json?.status === "active";
    }, "the certificate is active");
    const choices = await nodes.b.api("GET", "/api/trpc/virtualServices.choices", { cookie: nodes.cookie });
    const choice = choices.json.result.data.certificates.find(
      (c: { name: string }) => c.name === "on-node-a",
    );
    expect(choice).toMatchObject({ hsmGroupName: "Local-SoftHSM (node-a)", hsmGroupNode: "node-a" });
  }, 120_000);

  it("an SE on node-b restarted from node-a: node-b does it and answers with its result", async () => {
    const hsmGroup = await nodes.a.api("POST", "/api/hardwaresecuritymodulegroup", token(), {
      name: "Shared-SoftHSM",
      type: "pkcs11-module",
      moduleLibrary: SOFTHSM_LIBRARY,
      moduleEnv: `SOFTHSM2_CONF=${hsm.confPath}`,
      servers: [{ partition: "shared", partitionPassword: USER_PIN }],
    });
    expect(hsmGroup.status).toBe(201);
    const updated = await nodes.a.api("PUT", `/api/serviceenginegroup/${nodes.seGroupId}`, token(), {
      hsmGroupId: hsmGroup.json.id,
    });
    expect(updated.status).toBe(200);
    const pending = await nodes.a.api("GET", "/api/serviceengine", token());
    expect(pending.json.results[0]).toMatchObject({ name: "se-1", state: "restart-required" });
    const restarted = await nodes.a.api("POST", `/api/serviceengine/${seOnB.id}/reboot`, token(), {});
    expect(restarted.status).toBe(200);
    // The pending HSM change is applied: only a real restart on node-b clears it.
    expect(restarted.json).toMatchObject({ name: "se-1", state: "running", stateReason: null });
    sharedGroup = hsmGroup.json.id;
  }, 180_000);

  it("a certificate renewed on node-a is served by node-b's SE", async () => {
    const hsmGroupId = sharedGroup;
    const created = await nodes.a.api("POST", "/api/sslkeyandcertificate", token(), {
      name: "cluster-cert",
      type: "self-signed",
      hsmGroupId,
      key: "EC-P-256",
      commonName: "cluster.example",
      dnsNames: ["cluster.example"],
      validityDays: 30,
    });
    expect(created.status).toBe(201);
    const cert = await until(async () => {
      const r = await nodes.a.api("GET", `/api/sslkeyandcertificate/${created.json.id}`, token());
      return r.json?.status === "active" && r.json;
    }, "the certificate is active");
    const vs = await nodes.a.api("POST", "/api/virtualservice", token(), {
      name: "tls-through-a",
      vip: SSL_VIP,
      ports: [{ port: 8443, ssl: true }],
      certificateId: cert.id,
      pool: [{ host: echo.host, port: echo.port }],
      seGroupId: nodes.seGroupId,
    });
    expect(vs.status).toBe(201);
    const first = new X509Certificate(cert.certificatePem).fingerprint256;
    await until(
      async () => (await servedFingerprint(SSL_VIP, 8443, "cluster.example")) === first,
      "B serves it",
    );

    const renew = await nodes.a.api("POST", `/api/sslkeyandcertificate/${cert.id}/renew`, token(), {
      newKey: false,
    });
    expect(renew.status).toBe(200);
    ossl.write("renew.csr", renew.json.csrPem);
    ossl.ecKey("ca.key");
    ossl.selfSigned("ca.key", "ca.pem", "/CN=Cluster CA", [
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
      "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:cluster.example\n",
      "60",
    );
    const upload = await nodes.a.api(
      "POST",
      "/api/trpc/certificates.uploadSigned",
      { cookie: nodes.cookie },
      {
        id: cert.id,
        certificatePem: renewed,
        chainPem: ossl.read("ca.pem"),
      },
    );
    expect(upload.status).toBe(200);
    const next = new X509Certificate(renewed).fingerprint256;
    await until(
      async () => (await servedFingerprint(SSL_VIP, 8443, "cluster.example")) === next,
      "node-b's SE serves the renewed certificate",
    );
  }, 240_000);

  it("node-a killed: node-b keeps answering and serving; an SE on node-a gives a clear error", async () => {
    // node-a gets an SE of its own: the group grows through node-a.
    const grown = await nodes.a.api("PUT", `/api/serviceenginegroup/${nodes.seGroupId}`, token(), {
      seCount: 2,
    });
    expect(grown.status).toBe(200);
    const ses = await nodes.a.api("GET", "/api/serviceengine", token());
    const seOnA = ses.json.results.find((se: { nodeName: string }) => se.nodeName === "node-a");
    expect(seOnA).toMatchObject({ name: "se-2" });
    await until(async () => {
      const r = await nodes.a.api("GET", "/api/serviceengine", token());
      return r.json.results.every((se: { state: string }) => se.state === "running");
    }, "both SEs run");

    let failed = 0;
    let answered = 0;
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const r = await nodes.b.api("GET", "/api/virtualservice", token()).catch(() => null);
        if (r?.status === 200) answered++;
        else failed++;
      }
    })();
    nodes.a.kill();
    const down = await until(async () => {
      const r = await nodes.b.api("GET", "/api/cluster", token());
      const a = r.json.results.find((n: { name: string }) => n.name === "node-a");
      return a.state === "down" && a;
    }, "node-b sees node-a down");
    expect(down.secondsSinceHeartbeat).toBeGreaterThan(0);
    polling = false;
    await poll;
    expect({ failed, answered: answered > 0 }).toEqual({ failed: 0, answered: true });
    expect((await getVip(VIP, 8080, "/still"))?.status).toBe(200);

    const refused = await nodes.b.api("POST", `/api/serviceengine/${seOnA.id}/reboot`, token(), {});
    expect(refused.status).toBe(503);
    expect(refused.json.error ?? refused.json).toMatchObject({ code: "CLUSTER_NODE_DOWN" });
    expect(message(refused)).toMatch(/console node "node-a" hosts it and is down .*Nothing was done/);

    // Changed while node-a is away.
    const away = await nodes.b.api("POST", "/api/virtualservice", token(), {
      name: "while-a-away",
      vip: AWAY_VIP,
      ports: [{ port: 8080, ssl: false }],
      pool: [{ host: echo.host, port: echo.port }],
      seGroupId: nodes.seGroupId,
    });
    expect(away.status).toBe(201);
    expect((await until(() => getVip(AWAY_VIP, 8080), "B serves the new VS")).status).toBe(200);
  }, 240_000);

  it("node-a back: it catches up and its own SE serves what changed meanwhile", async () => {
    await nodes.a.restart();
    await until(async () => {
      const r = await nodes.b.api("GET", "/api/cluster", token());
      return r.json.results.find((n: { name: string }) => n.name === "node-a").state === "up";
    }, "node-a up again");
    // Only node-a's SE is left once node-b stops cleanly (its SEs stop with it).
    await nodes.b.stop();
    expect(
      (await until(() => getVip(AWAY_VIP, 8080), "node-a's SE serves the VS made while it was away")).status,
    ).toBe(200);
    // Stopped (when it could say so on its way out) or down (3 heartbeats missed): not up.
    await until(async () => {
      const r = await nodes.a.api("GET", "/api/cluster", token());
      return r.json.results.find((n: { name: string }) => n.name === "node-b").state !== "up";
    }, "node-a sees node-b gone");
    // node-b, started first, ran the singleton work; it moves to node-a.
    await until(
      // A JSON log line: {"component":"cluster","msg":"this node runs \"interrupted-creations\"",…}
      async () => /this node runs \\"interrupted-creations\\"/.test(nodes.a.log()),
      "node-a takes over the singleton work",
    );
  }, 600_000);
});
