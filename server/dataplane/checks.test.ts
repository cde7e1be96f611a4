import { chmodSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { crashed, outcome } from "./checks";
import { runCommand } from "./process";
import { ServiceEngine } from "./service-engine";
import { randomPort, randomVip, tempRoot } from "./testing/fixtures";

const CERT_PEM = `-----BEGIN CERTIFICATE-----
MIIBfTCCASOgAwIBAgIUKk6vP1Qj7nq3e3m1m8e2yB8x9WQwCgYIKoZIzj0EAwIw
-----END CERTIFICATE-----
`;

describe("checks before apply", () => {
  const root = tempRoot("dp-chk-");
  const sockets: net.Server[] = [];
  const connections: net.Socket[] = [];
  afterAll(async () => {
    for (const c of connections) c.destroy();
    for (const s of sockets) await new Promise((r) => s.close(r));
    root.cleanup();
  });

  it("classifies a segfault (signal or exit 139) and a timeout as failures", async () => {
    const env = { PATH: "/usr/bin:/bin" };
    const segv = await runCommand("sh", ["-c", "kill -SEGV $$"], { env, timeoutMs: 5000 });
    expect(crashed(segv)).toBe(true);
    expect(outcome(segv)).toBe("crashed (SIGSEGV)");
    expect(crashed(await runCommand("sh", ["-c", "exit 139"], { env, timeoutMs: 5000 }))).toBe(true);
    const hang = await runCommand("sleep", ["30"], { env, timeoutMs: 200 });
    expect(hang.timedOut).toBe(true);
    expect(outcome(hang)).toMatch(/timed out/);
  });

  it("treats an HSM that accepts but never answers as a failed check (timeout), not a hang", async () => {
    // p11-kit RPC has no timeouts: a silent peer would block the key lookup forever.
    const socketPath = path.join(root.dir, "silent.sock");
    const silent = net.createServer((c) => connections.push(c));
    sockets.push(silent);
    await new Promise<void>((r) => silent.listen(socketPath, r));
    chmodSync(socketPath, 0o777);
    const se = new ServiceEngine(
      {
        name: "se-silent",
        dataDir: path.join(root.dir, "se"),
        hsm: { kind: "socket", socketPath, pin: "1234" },
        virtualServices: [
          {
            id: "vs",
            name: "VS",
            vip: randomVip(),
            ports: [{ port: randomPort(), ssl: true }],
            certificatePem: CERT_PEM,
            keyUri: "pkcs11:token=any;id=%01;type=private",
            pool: [],
          },
        ],
      },
      { checkTimeoutMs: 1500, health: false },
    );
    const started = Date.now();
    await expect(se.start()).rejects.toMatchObject({ code: "SE_CHECK_FAILED", details: { stage: "key" } });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(se.status()).toMatchObject({ state: "failed", pid: null });
    expect(se.status().reason).toMatch(/timed out/);
    await se.stop();
  });
});
