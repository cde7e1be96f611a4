import http from "node:http";
import https from "node:https";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConsole, type TestConsole } from "../../bin/cli/testing/console";

/**
 * The edge of the real console (built, started by scripts/start.sh): HTTPS with HSTS and Secure
 * cookies, plain HTTP redirected, oversized bodies refused before authentication without being
 * read whole, a refused upload not stalling the connection's next request, and audit addresses
 * from the socket.
 */
describe("the console's edge, end to end", () => {
  let c: TestConsole;
  let port: number;
  beforeAll(async () => {
    c = await startConsole();
    port = Number(new URL(c.base).port);
  }, 600_000);
  afterAll(() => c?.stop());

  it("serves HTTPS with HSTS and a Secure session cookie; plain HTTP only redirects", async () => {
    const login = await c.fetch("/api/trpc/auth.login", {
      method: "POST",
      headers: { "content-type": "application/json", origin: c.base },
      body: JSON.stringify({ username: "admin", password: "cli-admin-password" }),
    });
    expect(login.status).toBe(200);
    expect(login.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
    expect(login.headers.get("set-cookie")).toMatch(/; Secure/);

    const plain = await new Promise<http.IncomingMessage>((resolve, reject) =>
      http.get(`http://127.0.0.1:${port}/login`, resolve).on("error", reject),
    );
    expect(plain.statusCode).toBe(308);
    expect(plain.headers.location).toBe(`https://127.0.0.1:${port}/login`);
    expect(plain.headers["set-cookie"]).toBeUndefined();
  });

  /** Sends headers, then body pieces until the console answers; returns the answer and bytes sent. */
  function streamUntilAnswered(head: string, chunked: boolean): Promise<{ status: number; sent: number }> {
    return new Promise((resolve, reject) => {
      const socket = tls.connect({ host: "127.0.0.1", port, ca: c.fetchCa(), servername: "localhost" });
      let sent = 0;
      let answer = "";
      const piece = Buffer.alloc(64 * 1024, 0x20);
      // One piece per turn of the event loop, so that an answer is seen before the next write.
      const pump = () => {
        if (answer || socket.destroyed || sent >= 50 * 1024 * 1024 || (!chunked && sent >= piece.length))
          return;
        const frame = chunked
          ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from("\r\n")])
          : piece;
        sent += piece.length;
        socket.write(frame, () => setImmediate(pump));
      };
      socket.once("secureConnect", () => {
        socket.write(head);
        pump();
      });
      socket.on("data", (d) => {
        answer += d;
        const status = /^HTTP\/1\.1 (\d{3})/.exec(answer);
        if (status) {
          socket.destroy();
          resolve({ status: Number(status[1]), sent });
        }
      });
      // Writes after the console closed fail (EPIPE); the answer, read before, is what counts.
      socket.on("error", () => {});
      socket.on("close", () => reject(new Error(`closed without an answer after ${sent} bytes`)));
    });
  }

  it("refuses a 50 MB REST body with 413 before authenticating, without reading it whole", async () => {
    const request = (length: string) =>
      `POST /api/user HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\ncontent-type: application/json\r\n${length}\r\n`;
    const declared = await streamUntilAnswered(request(`content-length: ${50 * 1024 * 1024}\r\n`), false);
    expect(declared.status).toBe(413);
    expect(declared.sent).toBeLessThan(50 * 1024 * 1024);
    const chunked = await streamUntilAnswered(request("transfer-encoding: chunked\r\n"), true);
    expect(chunked.status).toBe(413);
    expect(chunked.sent).toBeLessThan(50 * 1024 * 1024);
  });

  it("answers the next request on a keep-alive connection after a refused upload", async () => {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: c.fetchCa() });
    const call = (path: string, method: string, body?: Buffer) =>
      new Promise<number>((resolve, reject) => {
        const req = https.request(
          { host: "127.0.0.1", port, path, method, agent, servername: "localhost" },
          (res) => {
            res.resume();
            res.on("end", () => resolve(res.statusCode!));
          },
        );
        req.on("error", reject);
        req.end(body);
      });
    // No credential: refused before the 20 MB body is read.
    const refused = await call(
      "/api/fileservice/hsmpackages?hsmtype=safenet",
      "POST",
      Buffer.alloc(20 << 20),
    );
    expect(refused).toBe(401);
    expect(await call("/login", "GET")).toBe(200);
    agent.destroy();
  });

  it("audits the socket's address, never a client-sent X-Forwarded-For", async () => {
    const refused = await c.fetch("/api/fileservice/hsmpackages?hsmtype=bogus&filename=forged.tar", {
      method: "POST",
      headers: {
        authorization: `Bearer ${c.token}`,
        "content-type": "application/x-tar",
        "x-forwarded-for": "203.0.113.66",
      },
      body: "x",
    });
    expect(refused.status).toBe(400);
    const audit = await c.api("GET", "/api/auditlog?action=hsmPackages.upload");
    const entry = audit.json.results.find((e: { objectName: string }) => e.objectName === "forged.tar");
    expect(entry).toMatchObject({ outcome: "failure", address: "127.0.0.1" });
  });
});
