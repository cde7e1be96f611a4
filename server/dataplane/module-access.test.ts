import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EchoServer, startEchoServer } from "./echo-server";
import { type P11KitServer, SOFTHSM_PROVIDER, startP11KitServer } from "./hsm-access";
import { probeVirtualService } from "./probe";
import { P11_KIT_CLIENT_PATH as P11_KIT_CLIENT } from "./render-config";
import { ServiceEngine } from "./service-engine";
import {
  createToken,
  filesWithPrivateKeys,
  randomPort,
  randomVip,
  type TempRoot,
  tempRoot,
} from "./testing/fixtures";

/**
 * A vendor-style library: not SoftHSM, configured only by its environment. p11-kit-client.so
 * pointed by P11_KIT_SERVER_ADDRESS at a p11-kit server over a SoftHSM token plays that part (as
 * libCryptoki2 does with ChrystokiConfigurationPath).
 */
describe("ServiceEngine with a local PKCS#11 module other than SoftHSM", () => {
  let root: TempRoot;
  let echo: EchoServer;
  let upstream: P11KitServer;
  let se: ServiceEngine | undefined;

  beforeAll(async () => {
    root = tempRoot("dp-mod-");
    echo = await startEchoServer({ host: "127.0.0.1", port: 0, name: "pool-mod" });
  });

  afterAll(async () => {
    await se?.stop();
    await upstream?.stop();
    await echo?.close();
    root?.cleanup();
  });

  it("exports the module's token to nginx with the module's environment only, and serves TLS", async () => {
    const token = createToken(root.dir, "vendor");
    const keyUri = token.generateKey("07", "EC:prime256v1");
    const certificatePem = token.selfSignedCertificate(keyUri, "vendor.example");
    upstream = await startP11KitServer({
      providerPath: SOFTHSM_PROVIDER,
      providerEnv: { SOFTHSM2_CONF: token.conf },
      tokenLabel: token.label,
      socketPath: path.join(root.dir, "vendor.sock"),
      pidFile: path.join(root.dir, "vendor.pid"),
      runAs: null,
    });
    const vs = {
      id: "vendor",
      name: "Vendor",
      vip: randomVip(),
      ports: [{ port: randomPort(), ssl: true }],
      certificatePem,
      keyUri,
      pool: [{ host: echo.host, port: echo.port }],
    };
    const moduleEnv = { P11_KIT_SERVER_ADDRESS: `unix:path=${upstream.socketPath}` };
    se = new ServiceEngine(
      {
        name: "se-module",
        dataDir: path.join(root.dir, "se"),
        hsm: {
          kind: "module",
          providerPath: P11_KIT_CLIENT,
          env: moduleEnv,
          tokenLabel: token.label,
          pin: token.pin,
        },
        virtualServices: [vs],
      },
      { health: { intervalMs: 300, timeoutMs: 2000 }, backoff: { initialMs: 100 } },
    );
    expect((await se.start()).state).toBe("running");

    const probe = await probeVirtualService({ vip: vs.vip, port: vs.ports[0]!.port, timeoutMs: 5000 });
    if (!probe.ok) throw new Error(`${probe.stage}: ${probe.error}`);
    expect(probe.certificate.fingerprint256).toBe(new X509Certificate(certificatePem).fingerprint256);
    expect(probe.httpStatus).toBe(200);

    // The SE's own p11-kit server loaded that library with its environment and nothing of ours.
    const pid = se.hsmServerPid()!;
    expect(readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")).toContain(P11_KIT_CLIENT);
    const environ = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").filter(Boolean);
    expect(environ.map((v) => v.split("=")[0]).sort()).toEqual(["P11_KIT_SERVER_ADDRESS", "PATH"]);
    expect(environ).toContain(`P11_KIT_SERVER_ADDRESS=unix:path=${upstream.socketPath}`);
    expect(filesWithPrivateKeys(path.join(root.dir, "se"))).toEqual([]);
  });
});
