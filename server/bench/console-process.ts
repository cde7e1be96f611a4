import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import type { IncomingHttpHeaders } from "node:http";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";

/**
 * For benchmarks: the console started the way a user starts it (scripts/start.sh, no lab), on a
 * random port and a private data folder, an admin set up, and HTTPS requests that trust the
 * console's own certificate over keep-alive connections.
 */
export interface BenchConsole {
  base: string;
  data: string;
  cookie: string;
  /** The process serving requests (scripts/serve.ts), for its memory. */
  serverPid(): number;
  request(
    apiPath: string,
    init?: { method?: string; headers?: Record<string, string>; body?: string | Readable; fresh?: boolean },
  ): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>;
  /** Stops the console; the data folder is removed unless kept (to reopen its database). */
  stop(keepData?: boolean): Promise<void>;
}

const PASSWORD = "bench-admin-password";

export async function startBenchConsole(extraEnv: Record<string, string> = {}): Promise<BenchConsole> {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const base = `https://127.0.0.1:${port}`;
  const data = fs.mkdtempSync(path.join(os.tmpdir(), "hsm-bench-"));
  const server: ChildProcess = spawn("bash", ["scripts/start.sh"], {
    env: {
      ...process.env,
      PORT: String(port),
      HSM_CONSOLE_DATA: data,
      LAB_APPLIANCES: "0",
      HSM_CONSOLE_ECHO_PORT: "0",
      ...extraEnv,
    },
    stdio: "ignore",
    detached: true,
  });
  let agent: https.Agent | null = null;
  const certFile = path.join(data, "tls", "console.crt");
  const c: BenchConsole = {
    base,
    data,
    cookie: "",
    serverPid: () => findServe(server.pid!),
    request(apiPath, init = {}) {
      agent ??= new https.Agent({ keepAlive: true, maxSockets: 64, ca: fs.readFileSync(certFile, "utf8") });
      return new Promise((resolve, reject) => {
        const req = https.request(
          new URL(apiPath, base),
          {
            method: init.method ?? "GET",
            headers: init.headers,
            // A fresh connection (for long uploads) cannot race an idle keep-alive close.
            ...(init.fresh ? { agent: false, ca: fs.readFileSync(certFile, "utf8") } : { agent: agent! }),
          },
          (res) => {
            // An early answer (a refusal) ends the upload: stop sending the rest.
            if (init.body && typeof init.body !== "string") init.body.unpipe(req).destroy();
            const parts: Buffer[] = [];
            res.on("data", (d: Buffer) => parts.push(d));
            res.on("end", () =>
              resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }),
            );
          },
        );
        req.on("error", reject);
        if (init.body && typeof init.body !== "string") init.body.pipe(req);
        else req.end(init.body);
      });
    },
    async stop(keepData = false) {
      agent?.destroy();
      if (server.pid && server.exitCode === null) process.kill(-server.pid, "SIGTERM");
      await new Promise((r) => setTimeout(r, 3000));
      if (!keepData) fs.rmSync(data, { recursive: true, force: true });
    },
  };
  try {
    await waitFor(
      async () => fs.existsSync(certFile) && [200, 307].includes((await c.request("/login")).status),
      600_000,
    );
    const setupToken = fs.readFileSync(path.join(data, "setup-token"), "utf8").trim();
    const setup = await c.request("/api/trpc/auth.setup", {
      method: "POST",
      headers: { "content-type": "application/json", origin: base },
      body: JSON.stringify({ setupToken, username: "admin", password: PASSWORD, confirmPassword: PASSWORD }),
    });
    const cookie = [setup.headers["set-cookie"] ?? []].flat()[0]?.split(";")[0];
    if (!cookie) throw new Error(`setup failed: ${setup.status}`);
    c.cookie = cookie;
  } catch (error) {
    await c.stop();
    throw error;
  }
  return c;
}

/** The server process (build/serve.cjs, or scripts/serve.ts from sources) in the start script's process group. */
function findServe(group: number): number {
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8");
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const pgrp = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
      if (pgrp === group && /scripts\/serve\.ts|build\/serve\.cjs/.test(cmd)) return Number(entry);
    } catch {
      // The process ended while listed.
    }
  }
  throw new Error("the console's server process was not found");
}

/** Resident memory of a process in MiB. */
export function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) / 1024;
}

async function waitFor(check: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("the console did not start");
}
