import { execFile } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createClientCertificate } from "./client-cert";
import { type NtlsConnector, startNtlsConnector } from "./connector";
import { createSelfSigned, type SelfSignedResult } from "./self-signed";

/** The connector against plain TLS peers: pinning, client identity, and bounded waits. */
describe("NTLS connector", () => {
  let dir: string;
  let server: SelfSignedResult;
  let client: SelfSignedResult;
  let echo: tls.Server;
  let echoPort: number;
  let seenClientFingerprint = "";
  const cleanup: Array<() => Promise<void> | void> = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ntls-"));
    server = await createSelfSigned({ commonName: "appliance", ips: ["127.0.0.1"] });
    client = await createClientCertificate({ name: "se-1" });
    echo = tls.createServer(
      { key: server.keyPem, cert: server.certPem, requestCert: true, rejectUnauthorized: false },
      (s) => {
        seenClientFingerprint = s.getPeerX509Certificate()?.fingerprint256 ?? "";
        s.pipe(s);
      },
    );
    await new Promise<void>((r) => echo.listen(0, "127.0.0.1", () => r()));
    echoPort = (echo.address() as net.AddressInfo).port;
  });

  afterEach(async () => {
    for (const f of cleanup.splice(0)) await f();
  });

  afterAll(async () => {
    await new Promise((r) => echo.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const start = async (
    overrides: Partial<Parameters<typeof startNtlsConnector>[0]> = {},
  ): Promise<NtlsConnector> => {
    const c = await startNtlsConnector({
      host: "127.0.0.1",
      port: echoPort,
      serverCertPem: server.certPem,
      clientCertPem: client.certPem,
      clientKeyPem: client.keyPem,
      socketPath: path.join(dir, `c-${Math.random().toString(36).slice(2, 8)}.sock`),
      ...overrides,
    });
    cleanup.push(() => c.close());
    return c;
  };

  /** Sends `payload` through the connector; resolves with what came back before the close. */
  const roundTrip = (socketPath: string, payload: string, holdMs = 0) =>
    new Promise<{ data: string; closedAfterMs: number }>((resolve) => {
      const t0 = Date.now();
      const s = net.connect(socketPath);
      let data = "";
      s.on("data", (d) => {
        data += d;
        if (data === payload && holdMs === 0) s.end();
      });
      s.on("close", () => resolve({ data, closedAfterMs: Date.now() - t0 }));
      s.on("error", () => undefined);
      s.write(payload);
    });

  it("relays bytes over mTLS to the pinned server, presenting the client certificate", async () => {
    const c = await start();
    expect((fs.statSync(c.socketPath).mode & 0o777).toString(8)).toBe("600");
    const r = await roundTrip(c.socketPath, "hello");
    expect(r.data).toBe("hello");
    expect(seenClientFingerprint).toBe(client.fingerprint);
  });

  it("refuses a server whose certificate is not the pinned one: no byte is sent", async () => {
    const other = await createSelfSigned({ commonName: "impostor" });
    const c = await start({ serverCertPem: other.certPem });
    const r = await roundTrip(c.socketPath, "secret-pin");
    expect(r.data).toBe("");
  });

  it("gives up on a peer that accepts TCP and never finishes the TLS handshake", async () => {
    const silent = net.createServer(() => undefined);
    const held: net.Socket[] = [];
    silent.on("connection", (s) => held.push(s));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", () => r()));
    cleanup.push(() => {
      for (const s of held) s.destroy();
      return new Promise<void>((r) => silent.close(() => r()));
    });
    const c = await start({ port: (silent.address() as net.AddressInfo).port, handshakeTimeoutMs: 300 });
    const r = await roundTrip(c.socketPath, "x");
    expect(r.data).toBe("");
    expect(r.closedAfterMs).toBeGreaterThanOrEqual(250);
    expect(r.closedAfterMs).toBeLessThan(3000);

    // And p11-kit-client gets an error instead of hanging forever.
    const t0 = Date.now();
    const code = await new Promise<number>((resolve) =>
      execFile(
        "pkcs11-tool",
        ["--module", "/usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-client.so", "-L"],
        { env: { ...process.env, P11_KIT_SERVER_ADDRESS: `unix:path=${c.socketPath}` }, timeout: 10_000 },
        (error) => resolve(error ? 1 : 0),
      ),
    );
    expect(code).not.toBe(0);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it("cuts a link whose appliance does not answer a request within idleTimeoutMs", async () => {
    // Completes TLS, then swallows every request: the hang p11-kit alone would wait on forever.
    const mute = tls.createServer(
      { key: server.keyPem, cert: server.certPem, requestCert: true, rejectUnauthorized: false },
      (s) => s.resume(),
    );
    await new Promise<void>((r) => mute.listen(0, "127.0.0.1", () => r()));
    cleanup.push(() => {
      mute.close();
    });
    const c = await start({ port: (mute.address() as net.AddressInfo).port, idleTimeoutMs: 300 });
    const r = await roundTrip(c.socketPath, "request", 1);
    expect(r.data).toBe("");
    expect(r.closedAfterMs).toBeGreaterThanOrEqual(250);
    expect(r.closedAfterMs).toBeLessThan(3000);
  });

  it("keeps an idle link with no request outstanding (idle service engines keep their session)", async () => {
    const c = await start({ idleTimeoutMs: 200 });
    const s = net.connect(c.socketPath);
    const received: string[] = [];
    let closed = false;
    s.on("data", (d) => received.push(String(d)));
    s.on("close", () => {
      closed = true;
    });
    const answered = async (n: number) => {
      while (received.length < n && !closed) await new Promise((r) => setTimeout(r, 20));
    };
    s.write("one");
    await answered(1);
    // Proving that nothing happens needs time to pass: three idle timeouts.
    await new Promise((r) => setTimeout(r, 600));
    expect(closed).toBe(false);
    s.write("two");
    await answered(2);
    expect(received.join("")).toBe("onetwo");
    s.destroy();
  });

  it("rejects options that are not certificates", async () => {
    await expect(start({ serverCertPem: "not a cert" })).rejects.toThrow(/serverCertPem is not a PEM X.509/);
    const otherKey = (await createClientCertificate({ name: "other" })).keyPem;
    await expect(start({ clientKeyPem: otherKey })).rejects.toThrow(/key values mismatch/);
  });
});
