import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type P11KitServer, SOFTHSM_PROVIDER, startP11KitServer } from "./hsm-access";
import { probeVirtualService } from "./probe";
import { pollUntil, resolveRunAs } from "./process";
import { ServiceEngine } from "./service-engine";
import {
  createToken,
  randomPort,
  randomVip,
  type TempRoot,
  type TestToken,
  tempRoot,
} from "./testing/fixtures";
import type { ServiceEngineSpec, ServiceEngineStatus } from "./types";

/**
 * HSM access through a socket the SE does not own (as with the NTLS connector to an appliance):
 * when the far side restarts, nginx keeps its dead PKCS#11 session and every handshake fails. The
 * SE must notice by its handshake probes alone and restart.
 */
describe("ServiceEngine on a caller-provided HSM socket", () => {
  let root: TempRoot;
  let token: TestToken;
  let server: P11KitServer | undefined;
  let se: ServiceEngine | undefined;
  let socketPath: string;
  let serving: { spec: ServiceEngineSpec; vip: string; port: number } | undefined;
  const runAs = resolveRunAs();

  const startServer = async () => {
    server = await startP11KitServer({
      providerPath: SOFTHSM_PROVIDER,
      providerEnv: { SOFTHSM2_CONF: token.conf },
      tokenLabel: token.label,
      socketPath,
      pidFile: path.join(root.dir, "p11.pid"),
      runAs,
    });
  };

  beforeAll(async () => {
    root = tempRoot("dp-hsm-");
    token = createToken(root.dir, "appliance");
    socketPath = path.join(root.dir, "hsm.sock");
    await startServer();
  });

  afterAll(async () => {
    await se?.stop();
    await server?.stop();
    root?.cleanup();
  });

  it("detects the lost HSM connection by failing handshakes, restarts and serves again", async () => {
    const keyUri = token.generateKey("0a", "EC:prime256v1");
    const vip = randomVip();
    const port = randomPort();
    const spec: ServiceEngineSpec = {
      name: "se-socket",
      dataDir: path.join(root.dir, "se"),
      hsm: {
        kind: "socket",
        socketPath,
        pin: token.pin,
        ensure: async () => {
          ensured++;
        },
      },
      virtualServices: [
        {
          id: "api",
          name: "API",
          vip,
          ports: [{ port, ssl: true }],
          certificatePem: token.selfSignedCertificate(keyUri, "api.example"),
          keyUri,
          pool: [],
        },
      ],
    };
    const states: ServiceEngineStatus[] = [];
    let ensured = 0;
    se = new ServiceEngine(spec, {
      runAs,
      health: { intervalMs: 250, timeoutMs: 2000, failuresBeforeRestart: 2 },
      backoff: { initialMs: 100, maxMs: 1000 },
      onStateChange: (st) => states.push(st),
    });
    await se.start();
    expect((await probeVirtualService({ vip, port, timeoutMs: 5000 })).ok).toBe(true);

    // The appliance restarts: the server and every per-connection worker die, then it comes back.
    const oldNginx = se.status().pid;
    process.kill(-server!.pid, "SIGKILL");
    await pollUntil(() => (server && processGone(server.pid) ? true : undefined), 5000);
    await startServer();

    const back = await pollUntil(() => {
      const st = se!.status();
      return st.state === "running" && st.automaticRestarts > 0 ? st : undefined;
    }, 30_000);
    expect(back, JSON.stringify(states.map((s) => `${s.state}: ${s.reason}`))).toBeDefined();
    expect(back!.pid).not.toBe(oldNginx);
    expect(ensured).toBeGreaterThanOrEqual(2); // before start and before each restart attempt
    expect(states.some((s) => s.state === "failed" && /TLS handshakes fail/.test(s.reason))).toBe(true);
    const probe = await probeVirtualService({ vip, port, timeoutMs: 5000 });
    expect(probe.ok).toBe(true);
    serving = { spec, vip, port };
  });

  it("marks an HSM access change restart-required, keeps serving, and applies it on restart", async () => {
    const { spec, vip, port } = serving!;
    const pid = se!.status().pid;
    const changed: ServiceEngineSpec = {
      ...spec,
      hsm: { kind: "softhsm", softhsmConf: token.conf, tokenLabel: token.label, pin: token.pin },
    };
    await expect(se!.apply(changed)).resolves.toBe("restart-required");
    expect(se!.status()).toMatchObject({ state: "restart-required", pid });
    expect(se!.status().reason).toMatch(/restart/);
    expect((await probeVirtualService({ vip, port, timeoutMs: 5000 })).ok).toBe(true);

    const after = await se!.restart();
    expect(after.state).toBe("running");
    expect(after.pid).not.toBe(pid);
    expect(se!.hsmServerPid()).toBeGreaterThan(0); // now through its own p11-kit server
    expect(se!.spec.hsm.kind).toBe("softhsm");
    expect((await probeVirtualService({ vip, port, timeoutMs: 5000 })).ok).toBe(true);
  });
});

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}
