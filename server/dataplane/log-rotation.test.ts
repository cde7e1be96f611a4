import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metrics } from "@/server/observability/metrics";
import { countNewLogLines } from "@/server/observability/tls-log-counts";
import { type EchoServer, startEchoServer } from "./echo-server";
import { seLayout, tlsErrorLog } from "./layout";
import { probeVirtualService } from "./probe";
import { pollUntil } from "./process";
import { ServiceEngine } from "./service-engine";
import { createToken, randomPort, type TempRoot, tempRoot } from "./testing/fixtures";
import type { ServiceEngineSpec } from "./types";

const VIP = "127.0.160.20";
const CAP = 4096;

/** A real SE whose access log passes a small cap: rotated, and nginx writes into the new file. */
describe("SE log rotation", () => {
  let root: TempRoot;
  let echo: EchoServer;
  let se: ServiceEngine;
  let spec: ServiceEngineSpec;
  const vsId = randomUUID();

  beforeAll(async () => {
    root = tempRoot("dp-logs-");
    const token = createToken(root.dir, "logs");
    const keyUri = token.generateKey("01", "EC:prime256v1");
    echo = await startEchoServer({ host: "127.0.0.1", port: 0, name: "pool-logs" });
    spec = {
      name: "se-logs",
      dataDir: path.join(root.dir, "se"),
      hsm: { kind: "softhsm", softhsmConf: token.conf, tokenLabel: token.label, pin: token.pin },
      virtualServices: [
        {
          id: vsId,
          name: "Logs",
          vip: VIP,
          ports: [{ port: randomPort(), ssl: true }],
          certificatePem: token.selfSignedCertificate(keyUri, "logs.example"),
          keyUri,
          pool: [{ host: echo.host, port: echo.port }],
        },
      ],
    };
    se = new ServiceEngine(spec, { health: false, logRotation: { maxBytes: CAP, keep: 2, intervalMs: 100 } });
    await se.start();
  }, 60_000);

  afterAll(async () => {
    await se?.stop();
    await echo?.close();
    root?.cleanup();
  });

  async function requests(n: number, tag: string): Promise<void> {
    const port = spec.virtualServices[0]!.ports[0]!.port;
    for (let i = 0; i < n; i++) {
      const result = await probeVirtualService({ vip: VIP, port, timeoutMs: 10_000, path: `/${tag}-${i}` });
      expect(result.ok).toBe(true);
    }
  }

  it("rotates access.log past the cap, keeps N files, and nginx logs into the new file (USR1)", async () => {
    const l = seLayout(spec.dataDir);
    // ~200 bytes a line: well past the 4 KiB cap.
    await requests(40, "before");
    const rotated = await pollUntil(() => (fs.existsSync(`${l.accessLog}.1`) ? true : undefined), 10_000);
    expect(rotated).toBe(true);
    expect(fs.readFileSync(`${l.accessLog}.1`, "utf8")).toContain("/before-0");
    await requests(3, "after");
    // The new access.log is nginx's (reopened on USR1), not the renamed file still being written.
    const fresh = await pollUntil(
      () =>
        fs.existsSync(l.accessLog) && fs.readFileSync(l.accessLog, "utf8").includes("/after-2")
          ? true
          : undefined,
      10_000,
    );
    expect(fresh).toBe(true);
    expect(fs.readFileSync(l.accessLog, "utf8")).not.toContain("/before-0");
    // Past the cap again and again: never more than `keep` rotated files.
    await requests(60, "more");
    await pollUntil(() => (fs.existsSync(`${l.accessLog}.2`) ? true : undefined), 10_000);
    await requests(40, "again");
    const names = () =>
      fs
        .readdirSync(l.logsDir)
        .filter((f) => f.startsWith("access.log"))
        .sort();
    // Between a rename and nginx's reopen access.log is briefly absent: wait for it, never a .3.
    await pollUntil(() => (names().includes("access.log") ? true : undefined), 10_000);
    expect(names()).toEqual(["access.log", "access.log.1", "access.log.2"]);
  }, 120_000);

  it("counts each request's full TLS handshake per virtual service from the access log", async () => {
    const handshakes = async () =>
      (await metrics().tlsHandshakes.get()).values.find((v) => v.labels.virtual_service === vsId)?.value ?? 0;
    countNewLogLines(root.dir);
    const start = await handshakes();
    const l = seLayout(spec.dataDir);
    await requests(2, "counted");
    await pollUntil(
      () => (fs.readFileSync(l.accessLog, "utf8").includes("/counted-1") ? true : undefined),
      10_000,
    );
    countNewLogLines(root.dir);
    // Each probe is a new connection with a full handshake (no session reuse).
    expect((await handshakes()) - start).toBe(2);
    countNewLogLines(root.dir);
    expect((await handshakes()) - start).toBe(2);
  }, 60_000);

  it("counts a failed TLS handshake per virtual service from the VS's own error log", async () => {
    const errors = async () =>
      (await metrics().tlsErrors.get()).values.find((v) => v.labels.virtual_service === vsId)?.value ?? 0;
    countNewLogLines(root.dir);
    const start = await errors();
    // A client that only speaks TLS 1.0/1.1: the SE (TLS 1.2/1.3 only) refuses the handshake.
    const failed = await new Promise<boolean>((resolve) => {
      const socket = tls.connect({
        host: VIP,
        port: spec.virtualServices[0]!.ports[0]!.port,
        minVersion: "TLSv1",
        maxVersion: "TLSv1.1",
        ciphers: "DEFAULT@SECLEVEL=0",
        rejectUnauthorized: false,
      });
      socket.once("secureConnect", () => resolve(false));
      socket.once("error", () => resolve(true));
    });
    expect(failed).toBe(true);
    const file = tlsErrorLog(spec.dataDir, vsId);
    await pollUntil(
      () => (fs.readFileSync(file, "utf8").includes("while SSL handshaking") ? true : undefined),
      10_000,
    );
    countNewLogLines(root.dir);
    expect((await errors()) - start).toBe(1);
  });
});
