import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import https from "node:https";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OpensslDir } from "@/server/certs/testing/openssl";
import { startTwoNodes, type TwoNodes, until } from "./testing/cluster-fixture";
import { openPgTestDatabase } from "./testing/pg-database";

const hasPostgres = Boolean(process.env.TEST_DATABASE_URL);
const ROOT = path.resolve(import.meta.dirname, "../..");
const FRONT = "127.0.180.40";
const CLIENT = "127.0.180.41";
const PUBLIC = "https://console.example.com";

/** The README's nginx front, with this machine's addresses and files in place of the examples. */
function frontConfig(dir: string, nodeHosts: string[], port: number): string {
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  const block = /```nginx\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error("README.md has no nginx front");
  return block
    .replace("server 10.0.0.11:3000", `server ${nodeHosts[0]}:${port}`)
    .replace("server 10.0.0.12:3000", `server ${nodeHosts[1]}:${port}`)
    .replace("listen 443 ssl;", `listen ${FRONT}:8443 ssl;`)
    .replace("listen 80;", `listen ${FRONT}:8080;`)
    .replaceAll("/etc/nginx/tls/", `${dir}/`);
}

interface Reply {
  status: number;
  cookie: string | null;
  // biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field
  json: any;
}

/** A browser-like request through the front, from its own address. */
function viaFront(
  ca: string,
  method: string,
  urlPath: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: FRONT,
        port: 8443,
        path: urlPath,
        method,
        ca,
        servername: "console.example.com",
        localAddress: CLIENT,
        agent: false,
        headers: {
          host: "console.example.com",
          ...(body ? { "content-type": "application/json" } : {}),
          ...headers,
        },
      },
      (res) => {
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () => {
          let json: unknown = null;
          try {
            json = JSON.parse(text);
          } catch {
            // a page
          }
          const cookie = [res.headers["set-cookie"] ?? []].flat()[0]?.split(";")[0] ?? null;
          resolve({ status: res.statusCode ?? 0, cookie, json });
        });
      },
    );
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/**
 * The README's load balancer front (nginx) before two nodes on one PostgreSQL: sign-in and writes
 * from the public origin, the client's own address in the audit log, and a node lost behind it.
 */
describe.skipIf(!hasPostgres)("nginx in front of two console nodes, as the README says", () => {
  let db: Awaited<ReturnType<typeof openPgTestDatabase>>;
  let nodes: TwoNodes;
  let nginx: ChildProcess;
  const ossl = new OpensslDir();
  const dir = ossl.dir;
  const ca = () => ossl.read("console.example.com.crt");
  const hosts: [string, string] = ["127.0.180.51", "127.0.180.52"];

  beforeAll(async () => {
    db = await openPgTestDatabase();
    // Every node serves the same certificate for the internal name the front verifies.
    ossl.ecKey("nodes.key");
    ossl.selfSigned("nodes.key", "hsm-console-nodes.crt", "/CN=nodes.console.internal", [
      "-addext",
      "subjectAltName=DNS:nodes.console.internal",
    ]);
    ossl.ecKey("console.example.com.key");
    ossl.selfSigned("console.example.com.key", "console.example.com.crt", "/CN=console.example.com", [
      "-addext",
      "subjectAltName=DNS:console.example.com",
    ]);
    nodes = await startTwoNodes(
      db.url,
      JSON.stringify({ libraries: [] }),
      3204,
      {
        HSM_CONSOLE_TLS_CERT: ossl.path("hsm-console-nodes.crt"),
        HSM_CONSOLE_TLS_KEY: ossl.path("nodes.key"),
        HSM_CONSOLE_TRUST_PROXY: "1",
        HSM_CONSOLE_ORIGINS: PUBLIC,
      },
      hosts,
    );
    fs.writeFileSync(path.join(dir, "front.conf"), frontConfig(dir, hosts, 3204));
    fs.writeFileSync(
      path.join(dir, "nginx.conf"),
      `daemon off;\nuser root;\npid ${dir}/nginx.pid;\nevents {}\nhttp {\n  access_log off;\n  client_body_temp_path ${dir}/body;\n  proxy_temp_path ${dir}/proxy;\n  include ${dir}/front.conf;\n}\n`,
    );
    nginx = spawn(
      "nginx",
      ["-p", dir, "-c", path.join(dir, "nginx.conf"), "-e", path.join(dir, "error.log")],
      {
        stdio: "ignore",
      },
    );
    await until(
      () => viaFront(ca(), "GET", "/login", {}).then((r) => r.status === 200 || r.status === 307),
      "the front answers",
    );
  }, 900_000);

  afterAll(async () => {
    nginx?.kill("SIGTERM");
    nodes?.a.remove();
    nodes?.b.remove();
    ossl.cleanup();
    await db?.drop();
  });

  it("signs in and writes from the public origin; other origins are refused; the audit log has the client's address", async () => {
    const origin = { origin: PUBLIC };
    const login = await viaFront(ca(), "POST", "/api/trpc/auth.login", origin, {
      username: "admin",
      password: "cluster-admin-password",
    });
    expect(login.status).toBe(200);
    const session = { cookie: login.cookie! };
    const foreign = await viaFront(
      ca(),
      "POST",
      "/api/trpc/apiTokens.create",
      { ...session, origin: "https://evil.example" },
      {
        name: "refused",
        role: "read-only",
        expiresInDays: 1,
      },
    );
    expect(foreign.status).toBe(403);
    const created = await viaFront(
      ca(),
      "POST",
      "/api/trpc/apiTokens.create",
      { ...session, ...origin },
      {
        name: "through-the-front",
        role: "read-only",
        expiresInDays: 1,
      },
    );
    expect(created.status).toBe(200);
    const audit = await nodes.b.api("GET", "/api/auditlog", { token: nodes.token });
    const entry = audit.json.results.find(
      (e: { objectName: string | null }) => e.objectName === "through-the-front",
    );
    expect(entry).toMatchObject({ address: CLIENT, outcome: "success" });
  });

  it("a node lost behind the front: requests keep being answered", async () => {
    nodes.a.kill();
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++)
      statuses.push(
        (await viaFront(ca(), "GET", "/api/virtualservice", { authorization: `Bearer ${nodes.token}` }))
          .status,
      );
    expect(new Set(statuses)).toEqual(new Set([200]));
  });
});
