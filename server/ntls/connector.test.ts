import { execFile } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { P11_KIT_CLIENT_MODULE } from "@/server/config/system-libraries";
import { ManualClock } from "@/server/testing/manual-clock";
import { type NtlsConnector, startNtlsConnector } from "./connector";
import { createClientCertificate, createSelfSigned, type SelfSignedResult } from "./self-signed";

/**
 * The connector against plain TLS peers: pinning, client identity, and bounded waits. The waits run
 * on a manual clock (a limit passes when the test says); their real durations are measured in
 * bench/connector-timeouts.bench.ts.
 */
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

  /** Sends `payload` through the connector; `closed` resolves with what came back before the close. */
  const send = (socketPath: string, payload: string, hold = false) => {
    const s = net.connect(socketPath);
    let data = "";
    let isClosed = false;
    s.on("data", (d) => {
      data += d;
      if (data === payload && !hold) s.end();
    });
    s.on("error", () => undefined);
    const closed = new Promise<{ data: string }>((resolve) =>
      s.on("close", () => {
        isClosed = true;
        resolve({ data });
      }),
    );
    s.write(payload);
    return { closed, isClosed: () => isClosed };
  };
  const roundTrip = (socketPath: string, payload: string) => send(socketPath, payload).closed;

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
    const clock = new ManualClock();
    const port = (silent.address() as net.AddressInfo).port;
    const c = await start({ port, handshakeTimeoutMs: 300, clock });
    const r = send(c.socketPath, "x");
    await clock.armed(300);
    expect(r.isClosed()).toBe(false); // before the limit: still waiting for the handshake
    clock.advance(300);
    expect((await r.closed).data).toBe("");

    // And p11-kit-client gets an error (the connector closes its socket) instead of hanging forever.
    const tool = new Promise<{ failed: boolean; killed: boolean }>((resolve) =>
      execFile(
        "pkcs11-tool",
        ["--module", P11_KIT_CLIENT_MODULE, "-L"],
        { env: { ...process.env, P11_KIT_SERVER_ADDRESS: `unix:path=${c.socketPath}` }, timeout: 60_000 },
        (error) => resolve({ failed: error !== null, killed: error?.killed ?? false }),
      ),
    );
    let settled = false;
    void tool.finally(() => {
      settled = true;
    });
    // Each connection p11-kit-client opens waits for its handshake until the limit passes.
    while (!settled) {
      await Promise.race([clock.armed(300), tool]);
      clock.advance(300);
    }
    expect(await tool).toEqual({ failed: true, killed: false });
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
    const clock = new ManualClock();
    const c = await start({ port: (mute.address() as net.AddressInfo).port, idleTimeoutMs: 300, clock });
    const r = send(c.socketPath, "request", true);
    await clock.armed(300); // the request reached the appliance: its answer is awaited
    expect(r.isClosed()).toBe(false);
    clock.advance(300);
    expect((await r.closed).data).toBe("");
  });

  it("keeps an idle link with no request outstanding (idle service engines keep their session)", async () => {
    const clock = new ManualClock();
    const c = await start({ idleTimeoutMs: 200, clock });
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
    // Answered, nothing outstanding: no limit is armed, so however long the link idles nothing cuts it.
    expect(clock.pending()).toEqual([]);
    clock.advance(60_000);
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
