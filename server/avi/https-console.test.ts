import https from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvForTests } from "@/server/config/env";
import { setDbHandleForTests } from "@/server/db";
import { type ConsoleServer, createConsoleServer } from "@/server/http/console-server";
import { consoleWebRoute } from "@/server/http/web-routes";
import { createSelfSigned } from "@/server/ntls/self-signed";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";

const HOST = "127.0.150.20";
const PASSWORD = "avi-https-password";

interface Answer {
  status: number;
  cookies: string[];
  // biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field
  json: any;
}

/**
 * The SDK's login and calls over real HTTPS, through the console's own listener and web bridge
 * (server/http/web-routes.ts, as scripts/serve.ts wires it): cookies as a client sees them on the wire.
 */
describe("Avi login and API over the console's HTTPS listener", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let server: ConsoleServer;
  let ca: string;
  let base: string;

  function request(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = https.request(
        `${base}${path}`,
        {
          method,
          ca,
          headers: { ...headers, ...(body ? { "content-length": String(Buffer.byteLength(body)) } : {}) },
        },
        (res) => {
          const parts: Buffer[] = [];
          res.on("data", (d: Buffer) => parts.push(d));
          res.on("end", () => {
            const text = Buffer.concat(parts).toString("utf8");
            resolve({
              status: res.statusCode ?? 0,
              cookies: res.headers["set-cookie"] ?? [],
              json: text ? JSON.parse(text) : null,
            });
          });
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  }

  beforeAll(async () => {
    useTempDataDir();
    handle = await openTestDb();
    setDbHandleForTests(handle);
    await seedUser(handle.db, { username: "avi-https", password: PASSWORD });
    const tls = await createSelfSigned({ commonName: HOST, ips: [HOST] });
    ca = tls.certPem;
    server = createConsoleServer({
      certPem: tls.certPem,
      keyPem: tls.keyPem,
      trustProxy: false,
      // The listener's own router: /login, /logout and /api/* never reach Next (absent here).
      handle: (_req, res) => res.writeHead(404).end(),
      webRoutes: consoleWebRoute,
    });
    await new Promise<void>((resolve) => server.listener.listen(0, HOST, resolve));
    base = `https://${HOST}:${(server.listener.address() as AddressInfo).port}`;
    process.env.HSM_CONSOLE_ORIGINS = base;
    resetEnvForTests();
  });
  afterAll(async () => {
    delete process.env.HSM_CONSOLE_ORIGINS;
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    setDbHandleForTests(undefined);
    await handle?.close();
  });

  it("sets the session and CSRF cookies on the wire; the SDK's calls work with them, forged ones do not", async () => {
    const login = await request(
      "POST",
      "/login",
      { "content-type": "application/x-www-form-urlencoded" },
      new URLSearchParams({ username: "avi-https", password: PASSWORD }).toString(),
    );
    expect(login.status).toBe(200);
    const jar = Object.fromEntries(login.cookies.map((c) => c.split(";")[0]!.split("=") as [string, string]));
    expect(Object.keys(jar).sort()).toEqual(["avi-sessionid", "csrftoken"]);
    expect(login.cookies.find((c) => c.startsWith("avi-sessionid="))).toMatch(
      /HttpOnly.*Secure|Secure.*HttpOnly/,
    );
    const sid = jar[login.json.session_cookie_name]!;
    const sdk = {
      cookie: `sessionid=${sid}; avi-sessionid=${sid}; csrftoken=${jar.csrftoken}`,
      "x-csrftoken": jar.csrftoken!,
      referer: base,
      "content-type": "application/json",
      "x-avi-version": "30.2.1",
      "x-avi-tenant": "admin",
    };
    const listed = await request("GET", "/api/tenant?name=admin", sdk);
    expect(listed).toMatchObject({ status: 200, json: { count: 1, results: [{ name: "admin" }] } });
    // url and refs name the address the client used.
    expect(listed.json.results[0].url).toMatch(new RegExp(`^${base}/api/tenant/tenant-`));

    const pool = JSON.stringify({ name: "wire-pool", servers: [] });
    const forged = await request("POST", "/api/pool", { ...sdk, "x-csrftoken": "0".repeat(64) }, pool);
    expect(forged).toMatchObject({ status: 403, json: { error: expect.stringMatching(/CSRF/) } });
    const created = await request("POST", "/api/pool", sdk, pool);
    expect(created).toMatchObject({
      status: 201,
      json: { name: "wire-pool", uuid: expect.stringMatching(/^pool-/) },
    });
    await request("POST", "/api/pool", sdk, JSON.stringify({ name: "wire-pool-2", servers: [] }));
    const first = await request("GET", "/api/pool?page_size=1", sdk);
    expect(first.json).toMatchObject({ count: 2, next: `${base}/api/pool?page_size=1&page=2` });
    const second = await request("GET", first.json.next.slice(base.length), sdk);
    expect(second.json.results[0].name).toBe("wire-pool-2");
    expect(second.json.next).toBeUndefined();
    expect((await request("DELETE", `/api/pool/${created.json.uuid}`, sdk)).status).toBe(204);

    const logout = await request("POST", "/logout", sdk);
    expect(logout.status).toBe(200);
    expect((await request("GET", "/api/tenant", sdk)).status).toBe(401);
  });
});
