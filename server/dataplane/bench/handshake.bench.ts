/**
 * Full TLS handshakes per second of an HSM-backed virtual service ÷ the same nginx config with
 * the same kind of key in a file, same client, same run.
 *
 * The reference key cannot be the HSM key (it is not extractable, by design), so the reference
 * uses a fresh key of the same algorithm made by openssl, written to a file outside any SE folder.
 * Only the ssl_certificate(_key) lines differ between the two configs; both nginx run with the
 * same OpenSSL config (engine loaded), the same user and one worker.
 *
 * Run: node --import tsx server/dataplane/bench/handshake.bench.ts
 */
import { execFile, execFileSync } from "node:child_process";
import { chownSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import tls from "node:tls";
import { promisify } from "node:util";
import { report } from "@/server/bench/measure";
import { prepareFolders, writeCandidate, writePin } from "../files";
import { seLayout } from "../layout";
import { startNginx } from "../nginx-process";
import { resolveRunAs } from "../process";
import { renderNginxConfig } from "../render-config";
import { ServiceEngine } from "../service-engine";
import { createToken, randomPort, randomVip, tempRoot } from "../testing/fixtures";
import type { ServiceEngineSpec } from "../types";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONCURRENCY = 4;
const run = promisify(execFile);

function handshake(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    // No `session`: every connection is a full handshake, so the server signs each time.
    const s = tls.connect({ host, port, rejectUnauthorized: false });
    s.once("secureConnect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

/**
 * CPU seconds used so far by every process in these process groups (nginx master + workers; the
 * p11-kit server + its per-connection p11-kit-remote, i.e. SoftHSM doing the signing). CPU per
 * handshake is far less sensitive to other people's load on the machine than handshakes/s.
 */
function groupCpuSeconds(pgids: number[]): number {
  let ticks = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue;
    }
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // After "pid (comm) ": state ppid pgrp … utime is field 14, stime 15 (1-based in proc(5)).
    if (!pgids.includes(Number(fields[2]))) continue;
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / 100; // USER_HZ
}

interface Measured {
  rate: number;
  count: number;
  cpu: number;
}

async function handshakesPerSecond(
  host: string,
  port: number,
  seconds: number,
  pgids: number[] = [],
): Promise<Measured> {
  const cpu0 = groupCpuSeconds(pgids);
  const end = performance.now() + seconds * 1000;
  const start = performance.now();
  let ok = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) if (await handshake(host, port)) ok++;
    }),
  );
  return { rate: ok / ((performance.now() - start) / 1000), count: ok, cpu: groupCpuSeconds(pgids) - cpu0 };
}

/**
 * A second, lighter client: `openssl s_time -new` (C, no event loop), two processes in parallel.
 * Counts connections per real second; each one is a full handshake.
 */
async function sTimeRate(host: string, port: number, seconds: number): Promise<number> {
  const one = () =>
    run("openssl", ["s_time", "-connect", `${host}:${port}`, "-new", "-time", String(seconds)], {
      encoding: "utf8",
      timeout: (seconds + 10) * 1000,
    }).then(
      (r) => {
        const m = /(\d+) connections in (\d+) real seconds/.exec(r.stdout);
        return m ? Number(m[1]) / Math.max(1, Number(m[2])) : 0;
      },
      () => 0,
    );
  const rates = await Promise.all([one(), one()]);
  return rates.reduce((a, b) => a + b, 0);
}

async function main() {
  const root = tempRoot("dp-bench-");
  const runAs = resolveRunAs();
  const stops: (() => Promise<void>)[] = [];
  try {
    const token = createToken(root.dir, "bench");
    const cases = [
      {
        name: "p256",
        keyType: "EC:prime256v1" as const,
        id: "01",
        opensslAlg: ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
      },
      { name: "rsa2048", keyType: "rsa:2048" as const, id: "02", opensslAlg: ["-newkey", "rsa:2048"] },
    ];
    for (const c of cases) {
      const keyUri = token.generateKey(c.id, c.keyType);
      const vip = randomVip();
      const hsmPort = randomPort();
      const filePort = hsmPort + 1;
      const hsmSpec: ServiceEngineSpec = {
        name: `bench-${c.name}`,
        dataDir: path.join(root.dir, `se-${c.name}`),
        hsm: { kind: "softhsm", softhsmConf: token.conf, tokenLabel: token.label, pin: token.pin },
        virtualServices: [
          {
            id: "vs",
            name: "bench",
            vip,
            ports: [{ port: hsmPort, ssl: true }],
            certificatePem: token.selfSignedCertificate(keyUri, `hsm-${c.name}.bench`),
            keyUri,
            pool: [],
          },
        ],
      };
      const se = new ServiceEngine(hsmSpec, { runAs, health: false });
      stops.push(() => se.stop());
      await se.start();

      // Reference: same rendered config, other folder and port, key and certificate in files.
      const keyFile = path.join(root.dir, `ref-${c.name}.key`);
      const certFile = path.join(root.dir, `ref-${c.name}.crt`);
      execFileSync(
        "openssl",
        [
          "req",
          "-x509",
          ...c.opensslAlg,
          "-nodes",
          "-keyout",
          keyFile,
          "-out",
          certFile,
          "-subj",
          `/CN=file-${c.name}.bench`,
          "-days",
          "2",
        ],
        { stdio: "ignore" },
      );
      if (runAs) chownSync(keyFile, runAs.uid, runAs.gid);
      const refSpec: ServiceEngineSpec = {
        ...hsmSpec,
        name: `ref-${c.name}`,
        dataDir: path.join(root.dir, `ref-${c.name}`),
        virtualServices: hsmSpec.virtualServices.map((vs) => ({
          ...vs,
          ports: [{ port: filePort, ssl: true }],
        })),
      };
      prepareFolders(refSpec, runAs);
      writePin(refSpec, runAs);
      writeCandidate(refSpec); // OpenSSL config and the same certificate file layout
      const refText = renderNginxConfig(refSpec)
        .replace(/ssl_certificate_key "engine:[^"]*";/, `ssl_certificate_key ${keyFile};`)
        .replace(/ssl_certificate \S+;/, `ssl_certificate ${certFile};`);
      writeFileSync(seLayout(refSpec.dataDir).nginxConf, refText);
      const ref = await startNginx(refSpec, runAs, () => {}, 15_000);
      stops.push(() => ref.stop());

      await handshakesPerSecond(vip, hsmPort, 0.5); // warm-up
      await handshakesPerSecond(vip, filePort, 0.5);
      // Alternate halves so that load from other people on the machine hits both alike.
      let hsm = 0;
      let file = 0;
      const hsmCpu = { count: 0, cpu: 0 };
      const fileCpu = { count: 0, cpu: 0 };
      const hsmGroups = [se.status().pid ?? 0, se.hsmServerPid() ?? 0];
      for (let i = 0; i < 2; i++) {
        const f = await handshakesPerSecond(vip, filePort, SECONDS / 2, [ref.pid]);
        const h = await handshakesPerSecond(vip, hsmPort, SECONDS / 2, hsmGroups);
        file += f.rate / 2;
        hsm += h.rate / 2;
        fileCpu.count += f.count;
        fileCpu.cpu += f.cpu;
        hsmCpu.count += h.count;
        hsmCpu.cpu += h.cpu;
      }
      const fileCpuMs = (fileCpu.cpu * 1000) / Math.max(1, fileCpu.count);
      const hsmCpuMs = (hsmCpu.cpu * 1000) / Math.max(1, hsmCpu.count);
      report(`vs_handshakes_per_s_${c.name}_hsm`, hsm, 1);
      report(`vs_handshakes_per_s_${c.name}_file`, file, 1);
      report(`vs_handshake_ratio_${c.name}`, file > 0 ? hsm / file : Number.NaN, 3);
      report(`vs_handshake_server_cpu_ms_${c.name}_hsm`, hsmCpuMs, 3);
      report(`vs_handshake_server_cpu_ms_${c.name}_file`, fileCpuMs, 3);
      // Handshakes per CPU-second, HSM ÷ file: what the ratio would be if the server were CPU-bound.
      report(`vs_handshake_cpu_ratio_${c.name}`, hsmCpuMs > 0 ? fileCpuMs / hsmCpuMs : Number.NaN, 3);

      let sFile = 0;
      let sHsm = 0;
      for (let i = 0; i < 2; i++) {
        sFile += (await sTimeRate(vip, filePort, 2)) / 2;
        sHsm += (await sTimeRate(vip, hsmPort, 2)) / 2;
      }
      report(`vs_handshakes_per_s_${c.name}_hsm_s_time`, sHsm, 1);
      report(`vs_handshakes_per_s_${c.name}_file_s_time`, sFile, 1);
      report(`vs_handshake_ratio_${c.name}_s_time`, sFile > 0 ? sHsm / sFile : Number.NaN, 3);
    }
  } catch (error) {
    console.error(`# handshake bench failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    root.cleanup();
  }
}

void main();
