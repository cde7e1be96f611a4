import type { AddressInfo } from "node:net";
import http from "node:http";
import https from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvForTests } from "@/server/config/env";
import { createSelfSigned } from "@/server/ntls/self-signed";
import { type ConsoleServer, createConsoleServer, HSTS } from "./console-server";
import { PEER_HEADER } from "./peer-address";

const HOST = "127.0.125.1";
const CLIENT = "127.0.125.2";

interface Seen {
  headers: http.IncomingHttpHeaders;
  body: number;
  timeoutListeners: number;
}

/** The listener in front of a tiny handler: what reaches the handler, and what the client sees. */
describe("the console's listener (HTTPS, redirect, forwarded headers, refused bodies)", () => {
  let server: ConsoleServer;
  let port: number;
  let ca: string;
  let fingerprint: string;
  const seen: Seen[] = [];
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });

  beforeAll(async () => {
    const tls = await createSelfSigned({ commonName: "console", dnsNames: ["localhost"] });
    ca = tls.certPem;
    fingerprint = tls.fingerprint;
    server = createConsoleServer({
      certPem: tls.certPem,
      keyPem: tls.keyPem,
      trustProxy: false,
      handle: (req, res) => {
        const entry: Seen = { headers: req.headers, body: 0, timeoutListeners: req.socket.listenerCount("timeout") };
        seen.push(entry);
        if (req.url === "/refuse") {
          // Answers at once, leaving the body unread (as a refused upload does).
          res.writeHead(413, { "content-type": "application/json" });
          return res.end("{}");
        }
        req.on("data", (d: Buffer) => (entry.body += d.length));
        req.on("end", () => res.end("ok"));
      },
      webRoutes: (method, pathname) =>
        method === "POST" && pathname === "/web-upload"
          ? async (req) => {
              const size = (await req.arrayBuffer()).byteLength;
              return Response.json({ size, peer: req.headers.get(PEER_HEADER) }, { status: 201 });
            }
          : undefined,
    });
    await new Promise<void>((resolve) => server.listener.listen(0, HOST, resolve));
    port = (server.listener.address() as AddressInfo).port;
    process.env.HSM_CONSOLE_ORIGINS = `https://${HOST}:${port}`;
    resetEnvForTests();
  });
  afterAll(async () => {
    agent.destroy();
    delete process.env.HSM_CONSOLE_ORIGINS;
    resetEnvForTests();
    await new Promise<void>((resolve) => server.close(resolve));
  });

  function request(
    path: string,
    init: { method?: string; headers?: Record<string, string>; body?: Buffer | "slow" } = {},
  ): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string; cert: string }> {
    return new Promise((resolve, reject) => {
      const req = https.request(
        {
          host: HOST,
          port,
          path,
          method: init.method ?? "GET",
          headers: init.headers,
          ca,
          servername: "localhost",
          localAddress: CLIENT,
          agent,
        },
        (res) => {
          const cert = (res.socket as import("node:tls").TLSSocket).getPeerCertificate().fingerprint256;
          let text = "";
          res.on("data", (d) => (text += d));
          res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, text, cert }));
        },
      );
      req.on("error", reject);
      if (init.body === "slow") {
        // A chunked body that keeps coming after the answer: 4 MiB in 64 KiB pieces.
        req.write(Buffer.alloc(64 * 1024));
        let sent = 1;
        const more = () => {
          if (sent++ >= 64 || req.destroyed) return req.end();
          req.write(Buffer.alloc(64 * 1024), () => setImmediate(more));
        };
        more();
        return;
      }
      req.end(init.body);
    });
  }

  it("serves HTTPS with the console's certificate and HSTS", async () => {
    const answer = await request("/hello");
    expect(answer).toMatchObject({ status: 200, text: "ok", cert: fingerprint });
    expect(answer.headers["strict-transport-security"]).toBe(HSTS);
  });

  it("keeps one silence-timeout listener on a keep-alive connection however many requests it carries", async () => {
    seen.length = 0;
    for (let i = 0; i < 15; i++) expect((await request(`/keep-alive-${i}`)).status).toBe(200);
    // One connection (maxSockets 1, keep-alive): a listener per request would count up by one each
    // time (Node's own server keeps one more of its own).
    const counts = seen.map((s) => s.timeoutListeners);
    expect(counts).toEqual(Array(15).fill(counts[0]));
    expect(counts[0]).toBeLessThanOrEqual(2);
  });

  it("answers plain HTTP on the same port only with a redirect to HTTPS", async () => {
    const plain = (host: string) =>
      new Promise<http.IncomingMessage>((resolve, reject) =>
        http
          .get({ host: HOST, port, path: "/login?x=1", headers: { host }, localAddress: CLIENT }, resolve)
          .on("error", reject),
      );
    const own = await plain(`${HOST}:${port}`);
    expect(own.statusCode).toBe(308);
    expect(own.headers.location).toBe(`https://${HOST}:${port}/login?x=1`);
    // A Host the console does not serve on is not echoed back.
    const forged = await plain("evil.example");
    expect(forged.headers.location).not.toContain("evil.example");
    expect(forged.headers.location).toMatch(/^https:\/\//);
  });

  it("serves a web route's POST itself (body pulled, peer address set) and leaves its GET to the app", async () => {
    seen.length = 0;
    const posted = await request("/web-upload", { method: "POST", body: Buffer.alloc(512 * 1024) });
    expect(posted.status).toBe(201);
    expect(JSON.parse(posted.text)).toEqual({ size: 512 * 1024, peer: CLIENT });
    expect(seen).toHaveLength(0);
    const got = await request("/web-upload");
    expect(got.text).toBe("ok");
    expect(seen).toHaveLength(1);
  });

  it("takes the client address from the socket and drops client-sent forwarding headers", async () => {
    seen.length = 0;
    await request("/who", {
      headers: {
        "x-forwarded-for": "203.0.113.66",
        "x-forwarded-proto": "http",
        [PEER_HEADER]: "198.51.100.1",
      },
    });
    expect(seen[0]!.headers[PEER_HEADER]).toBe(CLIENT);
    expect(seen[0]!.headers["x-forwarded-for"]).toBeUndefined();
    expect(seen[0]!.headers["x-forwarded-proto"]).toBeUndefined();
  });

  it("refuses a declared oversized JSON body with 413 before any handler, and the connection goes on", async () => {
    seen.length = 0;
    const refused = await request("/api/user", {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": String(50 * 1024 * 1024) },
      body: Buffer.from("{}"),
    });
    expect(refused.status).toBe(413);
    expect(JSON.parse(refused.text)).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
    expect(seen).toHaveLength(0);
    // A client that waits for "100 Continue" is refused without ever being told to send.
    let continued = false;
    const waiting = await new Promise<number>((resolve, reject) => {
      const req = https.request(
        {
          host: HOST,
          port,
          path: "/api/user",
          method: "POST",
          headers: { "content-length": String(50 * 1024 * 1024), expect: "100-continue" },
          ca,
          servername: "localhost",
          agent: false,
        },
        (res) => {
          res.resume();
          resolve(res.statusCode!);
        },
      );
      req.on("continue", () => (continued = true));
      req.on("error", reject);
      req.flushHeaders();
    });
    expect(waiting).toBe(413);
    expect(continued).toBe(false);
    expect((await request("/after")).status).toBe(200);
  });

  it("closes the connection after answering before the body was read; the next request answers", async () => {
    const refused = await request("/refuse", { method: "POST", body: "slow" });
    expect(refused.status).toBe(413);
    expect(refused.headers.connection).toBe("close");
    const next = await request("/after-refusal");
    expect(next).toMatchObject({ status: 200, text: "ok" });
  });
});
