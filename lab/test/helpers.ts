import { execFile } from "node:child_process";
import fs from "node:fs";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { createClientCertificate } from "@/server/ntls/client-cert";
import { type NtlsConnector, startNtlsConnector } from "@/server/ntls/connector";
import type { ApplianceInfo } from "../lifecycle/appliance-info";
import type { StartLabOptions } from "../lifecycle/lab-options";
import { type Lab, startLab } from "../lifecycle/start-lab";

/** Test helpers: independent PKCS#11 clients (OpenSC pkcs11-tool) through p11-kit-client.so. */
export const P11_KIT_CLIENT = "/usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-client.so";

/** Short paths: unix socket paths are limited to 108 bytes. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Async on purpose: the connector runs in this process and must keep relaying meanwhile. */
export function run(
  cmd: string,
  args: string[],
  env: Record<string, string | undefined> = {},
  timeoutMs = 20_000,
): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env: { ...process.env, ...env }, timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

export function pkcs11Tool(socketPath: string, args: string[]): Promise<RunResult> {
  return run("pkcs11-tool", ["--module", P11_KIT_CLIENT, ...args], {
    P11_KIT_SERVER_ADDRESS: `unix:path=${socketPath}`,
  });
}

export interface TestClient {
  name: string;
  certPem: string;
  keyPem: string;
}

export async function makeClient(
  name: string,
  opts: { notAfter?: Date; notBefore?: Date } = {},
): Promise<TestClient> {
  const made = await createClientCertificate({ name, ...opts });
  return { name, certPem: made.certPem, keyPem: made.keyPem };
}

/** As `scp <client>.pem admin@hsm:` would: into the appliance's home folder. */
export function uploadCert(appliance: ApplianceInfo, client: TestClient): void {
  fs.writeFileSync(path.join(appliance.dir, "home", `${client.name}.pem`), client.certPem);
}

export function connect(
  appliance: ApplianceInfo,
  client: TestClient,
  dir: string,
  serverCertPem = fs.readFileSync(appliance.serverPemPath, "utf8"),
): Promise<NtlsConnector> {
  return startNtlsConnector({
    host: appliance.ntls.host,
    port: appliance.ntls.port,
    serverCertPem,
    clientCertPem: client.certPem,
    clientKeyPem: client.keyPem,
    socketPath: path.join(
      dir,
      `${appliance.name}-${client.name}-${Math.random().toString(36).slice(2, 8)}.sock`,
    ),
    handshakeTimeoutMs: 3000,
  });
}

/** Token labels a PKCS#11 client sees through a connector (pkcs11-tool -L). */
export async function visibleTokens(
  socketPath: string,
): Promise<{ ok: boolean; labels: string[]; out: string }> {
  const r = await pkcs11Tool(socketPath, ["-L"]);
  const labels = [...r.stdout.matchAll(/token label\s*:\s*(\S+)/g)].map((m) => m[1] ?? "");
  return { ok: r.code === 0, labels, out: r.stdout + r.stderr };
}

/** Calls the appliance's admin REST API with basic auth, trusting exactly its server.pem. */
export function rest(
  appliance: ApplianceInfo,
  method: string,
  urlPath: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const url = new URL(urlPath, appliance.adminUrl);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method,
        ca: fs.readFileSync(appliance.serverPemPath, "utf8"),
        checkServerIdentity: () => undefined,
        auth: `${appliance.admin.username}:${appliance.admin.password}`,
        headers: payload ? { "content-type": "application/json" } : {},
        timeout: 10_000,
      },
      (res) => {
        let text = "";
        res.on("data", (d) => {
          text += d;
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined }),
        );
      },
    );
    req.on("error", reject);
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.end(payload);
  });
}

/** An independent PKCS#11 client for the lab tests; pkcs11js in its own process, apart from the console. */
const P11_SCRIPT = path.join(__dirname, "..", "testing", "p11-script.ts");

/** Runs lab/testing/p11-script.ts (pkcs11js through p11-kit-client.so) in its own process. */
export async function p11Script(
  socketPath: string,
  req: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const r = await run(process.execPath, ["--import", "tsx", P11_SCRIPT, JSON.stringify(req)], {
    P11_KIT_SERVER_ADDRESS: `unix:path=${socketPath}`,
  });
  const out = JSON.parse(r.stdout.trim().split("\n").pop() || "{}") as Record<string, unknown>;
  if (r.code !== 0 || out.error)
    throw new Error(`p11-script ${String(req.op)}: ${String(out.error ?? r.stderr)}`);
  return out;
}

/** The appliance log is written asynchronously: poll for a line instead of reading once. */
export async function waitForLog(
  appliance: ApplianceInfo,
  pattern: RegExp,
  timeoutMs = 5000,
): Promise<string> {
  const file = path.join(appliance.dir, "appliance.log");
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    if (pattern.test(text) || Date.now() > deadline) return text;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A long-lived PKCS#11 client (p11-script.ts "session"): send a command, read its JSON answer. */
export interface P11Session {
  send(command: "sign" | "reinit"): Promise<{ ok: boolean; error?: string }>;
  close(): Promise<void>;
}

export async function p11Session(socketPath: string, req: Record<string, unknown>): Promise<P11Session> {
  const { spawn } = await import("node:child_process");
  const readline = await import("node:readline");
  const child = spawn(
    process.execPath,
    ["--import", "tsx", P11_SCRIPT, JSON.stringify({ ...req, op: "session" })],
    {
      env: { ...process.env, P11_KIT_SERVER_ADDRESS: `unix:path=${socketPath}` },
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  const lines = readline.createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => {
    const r = await lines.next();
    if (r.done) throw new Error("p11 session ended");
    return JSON.parse(r.value) as { ok: boolean; error?: string };
  };
  const opened = await next();
  if (!opened.ok) throw new Error(`p11 session: ${opened.error}`);
  return {
    async send(command) {
      child.stdin!.write(`${command}\n`);
      return next();
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.stdin!.end("quit\n");
      }),
  };
}

/**
 * A lab for one test file: started before its tests, stopped (with the connectors the tests
 * opened) and its folder removed after them.
 */
export function useTestLab(prefix: string, options: Omit<StartLabOptions, "dataDir">) {
  const state = { dir: "", lab: undefined as Lab | undefined, connectors: [] as NtlsConnector[] };
  beforeAll(async () => {
    state.dir = tempDir(prefix);
    state.lab = await startLab({ ...options, dataDir: state.dir });
  });
  afterAll(async () => {
    await Promise.all(state.connectors.map((c) => c.close()));
    await state.lab?.stop();
    if (state.dir) fs.rmSync(state.dir, { recursive: true, force: true });
  });
  return {
    lab: () => state.lab!,
    dir: () => state.dir,
    connectors: state.connectors,
  };
}
