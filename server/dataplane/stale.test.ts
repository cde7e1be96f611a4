import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { probeVirtualService } from "./probe";
import { isAlive, pollUntil } from "./process";
import { ServiceEngine } from "./service-engine";
import { createToken, randomPort, randomVip, tempRoot } from "./testing/fixtures";
import type { ServiceEngineSpec } from "./types";

describe("stale processes of a console that died", () => {
  const root = tempRoot("dp-stale-");
  let se: ServiceEngine | undefined;
  const leftovers: number[] = [];

  afterAll(async () => {
    await se?.stop();
    for (const pid of leftovers) if (isAlive(pid)) process.kill(-pid, "SIGKILL");
    root.cleanup();
  });

  it("a new supervisor kills the old nginx and p11-kit server found by pid file, then serves", async () => {
    const token = createToken(root.dir, "stale");
    const keyUri = token.generateKey("01", "EC:prime256v1");
    const vip = randomVip();
    const port = randomPort();
    const spec: ServiceEngineSpec = {
      name: "se-stale",
      dataDir: path.join(root.dir, "se"),
      hsm: { kind: "softhsm", softhsmConf: token.conf, tokenLabel: token.label, pin: token.pin },
      virtualServices: [
        {
          id: "vs",
          name: "VS",
          vip,
          ports: [{ port, ssl: true }],
          certificatePem: token.selfSignedCertificate(keyUri, "stale.example"),
          keyUri,
          pool: [],
        },
      ],
    };
    const child = spawn(
      process.execPath,
      ["--import", "tsx", path.join(import.meta.dirname, "testing/start-se-child.ts"), JSON.stringify(spec)],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    const pids = await pollUntil(
      () => (out.includes("}") ? (JSON.parse(out) as { nginx: number; hsm: number }) : undefined),
      30_000,
    );
    expect(pids).toBeDefined();
    leftovers.push(pids!.nginx, pids!.hsm);
    child.kill("SIGKILL"); // the console dies; its detached nginx and p11-kit server live on
    await new Promise((r) => child.once("exit", r));
    expect(isAlive(pids!.nginx)).toBe(true);

    se = new ServiceEngine(spec, { health: false });
    const status = await se.start();
    expect(status.state).toBe("running");
    expect(
      await pollUntil(() => (!isAlive(pids!.nginx) && !isAlive(pids!.hsm) ? true : undefined), 5000),
    ).toBe(true);
    expect((await probeVirtualService({ vip, port, timeoutMs: 5000 })).ok).toBe(true);
  });
});
