import { execFile, execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { checkNginxConfig } from "./checks";
import { type EchoServer, startEchoServer } from "./echo-server";
import { writeCandidate } from "./files";
import { seLayout } from "./layout";
import { probeVirtualService } from "./probe";
import { commandLine, pollUntil, resolveRunAs } from "./process";
import { seUserFor } from "./se-user";
import { ServiceEngine } from "./service-engine";
import {
  createToken,
  filesWithPrivateKeys,
  randomPort,
  randomVip,
  type TempRoot,
  tempRoot,
} from "./testing/fixtures";
import { RecordedBackoff } from "./testing/recorded-backoff";
import type { ServiceEngineSpec, ServiceEngineStatus, VirtualServiceSpec } from "./types";

const run = promisify(execFile);

/** A real SE: SoftHSM token → p11-kit server → p11-kit-client.so → nginx PKCS#11 engine. */
describe("ServiceEngine with a SoftHSM token", () => {
  let root: TempRoot;
  let echo: EchoServer;
  let se: ServiceEngine | undefined;
  let spec: ServiceEngineSpec;
  let vs1: VirtualServiceSpec;
  let vs2: VirtualServiceSpec;
  const backoff = new RecordedBackoff(100);

  beforeAll(async () => {
    root = tempRoot("dp-se-");
    const token = createToken(root.dir, "web");
    const ecUri = token.generateKey("01", "EC:prime256v1");
    const rsaUri = token.generateKey("02", "rsa:2048");
    echo = await startEchoServer({ host: "127.0.0.1", port: 0, name: "pool-a" });
    const vip = randomVip();
    vs1 = {
      id: "shop",
      name: "Shop",
      vip,
      ports: [{ port: randomPort(), ssl: true }],
      certificatePem: token.selfSignedCertificate(ecUri, "shop.example"),
      keyUri: ecUri,
      pool: [{ host: echo.host, port: echo.port }],
    };
    vs2 = {
      id: "blog",
      name: "Blog",
      vip,
      ports: [{ port: randomPort(), ssl: true }],
      certificatePem: token.selfSignedCertificate(rsaUri, "blog.example"),
      keyUri: rsaUri,
      pool: [{ host: echo.host, port: echo.port }],
    };
    spec = {
      name: "se-test",
      dataDir: path.join(root.dir, "se"),
      hsm: { kind: "softhsm", softhsmConf: token.conf, tokenLabel: token.label, pin: token.pin },
      virtualServices: [vs1],
    };
  });

  afterAll(async () => {
    await se?.stop();
    await echo?.close();
    root?.cleanup();
  });

  it("serves TLS on the VIP with the HSM key and proxies to the pool", async () => {
    se = new ServiceEngine(spec, {
      health: { intervalMs: 300, timeoutMs: 2000 },
      backoff,
    });
    const status = await se.start();
    expect(status.state).toBe("running");
    expect(status.pid).toBeGreaterThan(0);

    const port = vs1.ports[0]!.port;
    const probe = await probeVirtualService({ vip: vs1.vip, port, timeoutMs: 5000, path: "/hello" });
    if (!probe.ok) throw new Error(`${probe.stage}: ${probe.error}`);
    const cert = new X509Certificate(vs1.certificatePem!);
    expect(probe.certificate.fingerprint256).toBe(cert.fingerprint256);
    expect(probe.certificate.subject).toContain("CN=shop.example");
    expect(probe.httpStatus).toBe(200);
    expect(JSON.parse(probe.body!)).toMatchObject({
      server: "pool-a",
      path: "/hello",
      forwardedProto: "https",
    });

    const shown = await run(
      "sh",
      [
        "-c",
        `openssl s_client -connect ${vs1.vip}:${port} </dev/null 2>/dev/null | openssl x509 -noout -subject`,
      ],
      { encoding: "utf8", timeout: 10_000 },
    );
    expect(shown.stdout).toContain("CN = shop.example");
    // Async: the echo pool runs in this process and must keep answering.
    const curl = await run("curl", ["-sk", "--max-time", "5", `https://${vs1.vip}:${port}/via-curl`], {
      encoding: "utf8",
    });
    expect(JSON.parse(curl.stdout)).toMatchObject({ server: "pool-a", path: "/via-curl" });

    // The key never exists as a file: nothing under the SE folder holds a PEM private key.
    expect(filesWithPrivateKeys(spec.dataDir)).toEqual([]);
    // The PIN only in its 0600 file owned by the SE user, never in the config.
    const pin = statSync(seLayout(spec.dataDir).pinFile);
    expect(pin.mode & 0o777).toBe(0o600);
    expect(pin.uid).toBe(seUserFor(spec.name)?.uid ?? process.getuid?.());
    expect(readFileSync(seLayout(spec.dataDir).nginxConf, "utf8")).not.toMatch(/pin-value|1234/);
    // nginx master runs unprivileged; the token files stay root-only.
    expect(commandLine(status.pid!)).toContain("nginx: master process");
    expect(execFileSync("ps", ["-o", "uid=", "-p", String(status.pid)], { encoding: "utf8" }).trim()).toBe(
      String(seUserFor(spec.name)?.uid ?? process.getuid?.()),
    );
  });

  it.skipIf(process.getuid?.() !== 0)(
    "listens on 443 while nginx runs as the SE user with CAP_NET_BIND_SERVICE only",
    async () => {
      const pid = se!.status().pid!;
      const onHttps: VirtualServiceSpec = { ...vs1, id: "https", name: "Https", vip: randomVip() };
      onHttps.ports = [{ port: 443, ssl: true }];
      // Added by a reload: the master (not root) binds the new port itself.
      await expect(se!.apply({ ...spec, virtualServices: [vs1, onHttps] })).resolves.toBe("reloaded");
      const probe = await probeVirtualService({ vip: onHttps.vip, port: 443, timeoutMs: 5000 });
      if (!probe.ok) throw new Error(`${probe.stage}: ${probe.error}`);
      expect(probe.certificate.subject).toContain("CN=shop.example");
      expect(se!.status().pid).toBe(pid);
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const uid = seUserFor(spec.name)!.uid;
      expect(status).toMatch(new RegExp(`^Uid:\\s+${uid}\\s+${uid}\\s+${uid}\\s+${uid}$`, "m"));
      // Bit 10 = CAP_NET_BIND_SERVICE, and nothing else, in every set that can be used.
      for (const set of ["CapPrm", "CapEff", "CapAmb"])
        expect(status).toMatch(new RegExp(`^${set}:\\s+0000000000000400$`, "m"));
      await se!.apply(spec);
    },
  );

  it("names the program holding a VIP port when nginx cannot listen on it", async () => {
    const held = { vip: randomVip(), port: randomPort() };
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(held.port, held.vip, resolve));
    const blocked = new ServiceEngine(
      {
        ...spec,
        name: "se-held",
        dataDir: path.join(root.dir, "se-held"),
        virtualServices: [{ ...vs1, id: "held", vip: held.vip, ports: [{ port: held.port, ssl: true }] }],
      },
      { health: { intervalMs: 300, timeoutMs: 2000 }, backoff: { initialMs: 100 } },
    );
    try {
      const error = await blocked.start().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "SE_START_FAILED" });
      expect((error as AppError).message).toContain(
        `Another program already listens on ${held.vip}:${held.port}: stop it or choose another VIP or port.`,
      );
    } finally {
      await blocked.stop();
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it("reloads a changed spec (second virtual service) without dropping the first", async () => {
    const pid = se!.status().pid;
    const port1 = vs1.ports[0]!.port;
    // Requests keep flowing against the first VS during the reload; none may fail.
    let stop = false;
    const failures: string[] = [];
    let served = 0;
    const loop = (async () => {
      while (!stop) {
        const r = await probeVirtualService({ vip: vs1.vip, port: port1, timeoutMs: 5000 });
        if (r.ok && r.httpStatus === 200) served++;
        else failures.push(r.ok ? `status ${r.httpStatus}` : `${r.stage}: ${r.error}`);
      }
    })();
    try {
      spec = { ...spec, virtualServices: [vs1, vs2] };
      await expect(se!.apply(spec)).resolves.toBe("reloaded");
    } finally {
      stop = true;
      await loop;
    }
    expect(failures).toEqual([]);
    expect(served).toBeGreaterThan(0);
    expect(se!.status()).toMatchObject({ state: "running", pid });
    const probe = await probeVirtualService({ vip: vs2.vip, port: vs2.ports[0]!.port, timeoutMs: 5000 });
    if (!probe.ok) throw new Error(`${probe.stage}: ${probe.error}`);
    expect(probe.certificate.subject).toContain("CN=blog.example");
  });

  it("refuses a missing key before applying and keeps serving the previous config", async () => {
    const missing: VirtualServiceSpec = {
      ...vs1,
      id: "ghost",
      name: "Ghost",
      ports: [{ port: randomPort(), ssl: true }],
      keyUri: "pkcs11:token=web;id=%09;type=private",
    };
    const error = await se!.apply({ ...spec, virtualServices: [vs1, vs2, missing] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "SE_CHECK_FAILED", field: "keyUri", details: { stage: "key" } });
    expect((error as AppError).message).toContain("key not found on this HSM");
    expect(error).toMatchObject({ details: { cause: "key-not-found" } });
    expect(se!.status().state).toBe("running");
    const probe = await probeVirtualService({ vip: vs1.vip, port: vs1.ports[0]!.port, timeoutMs: 5000 });
    expect(probe.ok).toBe(true);
    expect(readFileSync(seLayout(spec.dataDir).nginxConf, "utf8")).not.toContain("ghost");

    // nginx -t alone (which crashed with exit 139 in some setups) must also count as a failure.
    const candidate = { ...spec, virtualServices: [vs1, missing] };
    writeCandidate(candidate);
    await expect(
      checkNginxConfig(candidate, seLayout(spec.dataDir).nginxConfNext, resolveRunAs()),
    ).rejects.toMatchObject({ code: "SE_CHECK_FAILED", details: { stage: "nginx" } });
  });

  it("restarts nginx after a crash, with growing backoff and no orphan workers", async () => {
    const failures: string[] = [];
    const listener = (st: ServiceEngineStatus) => {
      if (st.state === "failed") failures.push(st.reason);
    };
    const chosen = backoff.delays.length;
    se!.on("state", listener);
    try {
      for (let round = 0; round < 2; round++) {
        const old = se!.status().pid!;
        const before = se!.status().automaticRestarts;
        process.kill(old, "SIGKILL");
        const back = await pollUntil(() => {
          const st = se!.status();
          return st.state === "running" && st.automaticRestarts > before && st.pid !== old ? st : undefined;
        }, 15_000);
        expect(back, `restart after crash ${round + 1}`).toBeDefined();
        expect(processesInGroup(old)).toEqual([]);
        const probe = await probeVirtualService({ vip: vs1.vip, port: vs1.ports[0]!.port, timeoutMs: 5000 });
        expect(probe.ok).toBe(true);
      }
    } finally {
      se!.off("state", listener);
    }
    // Each crash was seen, and the second restart waited twice as long as the first (100, then 200 ms).
    expect(failures.length).toBeGreaterThanOrEqual(2);
    const [first, second] = backoff.delays.slice(chosen);
    expect(first).toBeGreaterThanOrEqual(100);
    expect(second).toBe(2 * first!);
  });

  it("restarts when its own p11-kit server (the HSM access) dies, and serves again", async () => {
    const hsmPid = se!.hsmServerPid()!;
    const nginxPid = se!.status().pid;
    const before = se!.status().automaticRestarts;
    process.kill(-hsmPid, "SIGKILL");
    const back = await pollUntil(() => {
      const st = se!.status();
      return st.state === "running" && st.automaticRestarts > before && se!.hsmServerPid() !== hsmPid
        ? st
        : undefined;
    }, 20_000);
    expect(back).toBeDefined();
    expect(back!.pid).not.toBe(nginxPid);
    const probe = await probeVirtualService({ vip: vs2.vip, port: vs2.ports[0]!.port, timeoutMs: 5000 });
    expect(probe.ok).toBe(true);
  });
});

/** Processes still in a process group (nginx workers left behind would show up here). */
function processesInGroup(pgid: number): number[] {
  const out = execFileSync("ps", ["-e", "-o", "pid=,pgid=,stat="], { encoding: "utf8" });
  return out
    .trim()
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter(([, g, stat]) => Number(g) === pgid && !stat?.startsWith("Z"))
    .map(([p]) => Number(p));
}
