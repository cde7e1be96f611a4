import https from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvForTests } from "@/server/config/env";
import { setDbHandleForTests } from "@/server/db";
import { createSelfSigned } from "@/server/ntls/self-signed";
import { setLoggerForTests } from "@/server/observability/logger";
import { currentRequestId } from "@/server/observability/request-context";
import { SeSupervisor } from "@/server/services/service-engines/supervisor";
import { currentSupervisor, setSupervisor } from "@/server/services/service-engines/supervisor-registry";
import { openTestDb } from "@/server/testing/test-db";
import { type ConsoleServer, createConsoleServer } from "./console-server";
import { consoleWebRoute } from "./web-routes";

const HOST = "127.0.160.1";
const CLIENT = "127.0.160.2";

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

describe("/healthz, /readyz and the access log with its request id", () => {
  let server: ConsoleServer;
  let port: number;
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  const logged: Array<Record<string, unknown>> = [];
  /** The request id the handler saw in its context (services and PKCS#11 calls read the same). */
  const seenIds: Array<string | undefined> = [];
  const before = currentSupervisor();

  function get(path: string, headers: Record<string, string> = {}): Promise<Answer> {
    return new Promise((resolve, reject) => {
      https
        .get({ host: HOST, port, path, headers, localAddress: CLIENT, rejectUnauthorized: false }, (res) => {
          let body = "";
          res.on("data", (d) => (body += d));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        })
        .on("error", reject);
    });
  }

  beforeAll(async () => {
    setLoggerForTests({ write: (line: string) => void logged.push(JSON.parse(line)) });
    handle = await openTestDb();
    setDbHandleForTests(handle);
    const tls = await createSelfSigned({ commonName: "console" });
    server = createConsoleServer({
      certPem: tls.certPem,
      keyPem: tls.keyPem,
      trustProxy: false,
      webRoutes: consoleWebRoute,
      handle: (_req, res) => {
        // Like Next's handler: asynchronous work, then the answer.
        setTimeout(() => {
          seenIds.push(currentRequestId());
          res.writeHead(200, { "content-type": "text/plain" });
          res.end("page");
        }, 5);
      },
    });
    await new Promise<void>((resolve) => server.listener.listen(0, HOST, resolve));
    port = (server.listener.address() as AddressInfo).port;
  });

  afterAll(async () => {
    delete process.env.HSM_CONSOLE_METRICS_ALLOW;
    resetEnvForTests();
    setSupervisor(before);
    setLoggerForTests(null);
    setDbHandleForTests(undefined);
    await new Promise<void>((resolve) => server?.close(resolve));
    await handle?.close();
  });

  it("/healthz answers 200 without a credential", async () => {
    const answer = await get("/healthz");
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ status: "ok" });
  });

  it("/readyz is 503 naming the failing check until the service engines are supervised, then 200", async () => {
    setSupervisor(null);
    const down = await get("/readyz");
    expect(down.status).toBe(503);
    const checks = JSON.parse(down.body).checks as Array<{ name: string; ok: boolean }>;
    expect(checks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: "database", ok: true }),
        expect.objectContaining({ name: "migrations", ok: true }),
        expect.objectContaining({ name: "service-engines", ok: false }),
      ]),
    );
    setSupervisor(new SeSupervisor(handle.db));
    const up = await get("/readyz");
    expect(up.status).toBe(200);
    expect(JSON.parse(up.body)).toMatchObject({ status: "ready" });
  });

  it("answers the client's sane x-request-id, carries it into the handler, and logs one access line without the query", async () => {
    const answer = await get("/some/page?password=hunter2-secret", { "x-request-id": "client-id.42" });
    expect(answer.headers["x-request-id"]).toBe("client-id.42");
    expect(seenIds.at(-1)).toBe("client-id.42");
    const lines = () => logged.filter((l) => l.msg === "request" && l.requestId === "client-id.42");
    // Written when the answer has left the server, which the client may see first.
    await expect.poll(() => lines().length).toBe(1);
    expect(lines()[0]).toMatchObject({ method: "GET", path: "/some/page", status: 200, client: CLIENT });
    expect(typeof lines()[0]!.ms).toBe("number");
    expect(JSON.stringify(logged)).not.toContain("hunter2-secret");
  });

  it("replaces an id that is not sane (too long, or with spaces or newlines) with a new one", async () => {
    const answer = await get("/other", { "x-request-id": `bad id ${"x".repeat(80)}` });
    const id = answer.headers["x-request-id"] as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(seenIds.at(-1)).toBe(id);
  });

  it("/metrics believes the socket's address, never a client-sent peer header", async () => {
    process.env.HSM_CONSOLE_METRICS_ALLOW = "127.0.160.50";
    resetEnvForTests();
    // The caller (127.0.160.2) claims to be the allowed address in the console's internal header.
    const spoofed = await get("/metrics", { "x-hsm-console-peer": "127.0.160.50" });
    expect(spoofed.status).toBe(403);
    process.env.HSM_CONSOLE_METRICS_ALLOW = CLIENT;
    resetEnvForTests();
    const allowed = await get("/metrics");
    expect(allowed.status).toBe(200);
    expect(allowed.body).toContain("hsm_console_sign_ins_total");
  });
});
