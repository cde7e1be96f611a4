import { type ChildProcess, spawn } from "node:child_process";
import { X509Certificate } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { send } from "@/bin/cli/transport";

/**
 * For the cluster test and benchmark: one console node started the way a user starts it
 * (scripts/start.sh) on its own address, port and data folder, sharing a PostgreSQL database and
 * master key with the others. kill() is a host lost at once: the console and the SEs it started.
 */
export interface NodeOptions {
  name: string;
  host: string;
  port: number;
  databaseUrl: string;
  masterKey: string;
  env?: Record<string, string>;
}

// biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field
export type Reply = { status: number; json: any; text: string };

export interface ConsoleNode {
  name: string;
  base: string;
  data: string;
  /** The certificate it serves (PEM file). */
  certFile: string;
  log(): string;
  /** REST with an API token, tRPC with the session cookie (and this node's origin). */
  api(
    method: string,
    apiPath: string,
    auth: { token?: string; cookie?: string },
    body?: unknown,
  ): Promise<Reply>;
  kill(): void;
  stop(): Promise<void>;
  /** Starts the node again on the same data folder. */
  restart(): Promise<void>;
  remove(): void;
}

const ROOT = path.resolve(import.meta.dirname, "../../..");

export async function startNode(options: NodeOptions): Promise<ConsoleNode> {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), `hsm-cluster-${options.name}-`));
  fs.chmodSync(data, 0o711);
  const base = `https://${options.host}:${options.port}`;
  // The node's own self-signed certificate, or the one it is given.
  const caFile = options.env?.HSM_CONSOLE_TLS_CERT ?? path.join(data, "tls", "console.crt");
  let server: ChildProcess | null = null;
  let log = "";
  const launch = async () => {
    server = spawn("bash", ["scripts/start.sh"], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(options.port),
        HOSTNAME: options.host,
        HSM_CONSOLE_DATA: data,
        DATABASE_URL: options.databaseUrl,
        HSM_CONSOLE_MASTER_KEY: options.masterKey,
        HSM_CONSOLE_NODE_NAME: options.name,
        HSM_CONSOLE_NODE_IP: options.host,
        LAB_APPLIANCES: "0",
        HSM_CONSOLE_ECHO_PORT: "0",
        ...options.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    server.stdout?.on("data", (d) => (log += d));
    server.stderr?.on("data", (d) => (log += d));
    await waitUp(node, () => server!.exitCode !== null);
  };
  const node: ConsoleNode = {
    name: options.name,
    base,
    data,
    certFile: caFile,
    log: () => log,
    async api(method, apiPath, auth, body) {
      const headers: Record<string, string> = auth.token
        ? { authorization: `Bearer ${auth.token}` }
        : { cookie: auth.cookie ?? "", origin: base };
      if (body !== undefined) headers["content-type"] = "application/json";
      const answer = await send(
        new URL(apiPath, base),
        { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) },
        // Pinned: the node's own certificate does not name its 127.0.180.x address.
        { fingerprint: new X509Certificate(fs.readFileSync(caFile)).fingerprint256 },
      );
      const text = answer.body.toString("utf8");
      let json: unknown = null;
      try {
        json = JSON.parse(text);
      } catch {
        // not JSON (a page)
      }
      return { status: answer.status, json, text };
    },
    kill() {
      if (server?.pid) signalGroup(server.pid, "SIGKILL");
      // Its SEs run detached (their own process groups): a lost host loses them too.
      for (const pid of processesUnder(data)) signalGroup(pid, "SIGKILL");
    },
    async stop() {
      const running = server;
      if (!running?.pid || running.exitCode !== null) return;
      const exited = new Promise((r) => running.once("exit", r));
      signalGroup(running.pid, "SIGTERM");
      await exited;
    },
    restart: () => launch(),
    remove() {
      node.kill();
      fs.rmSync(data, { recursive: true, force: true });
    },
  };
  try {
    await launch();
  } catch (error) {
    node.remove();
    throw error;
  }
  return node;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // gone already
  }
}

/** Processes whose command line names the folder (nginx -p, p11-kit server sockets). */
function processesUnder(folder: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(folder)) pids.push(Number(entry));
    } catch {
      // ended while listed
    }
  }
  return pids;
}

async function waitUp(node: ConsoleNode, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + 600_000;
  while (Date.now() < deadline) {
    if (exited()) throw new Error(`node ${node.name} exited:\n${node.log()}`);
    const up = await node.api("GET", "/login", {}).then(
      (r) => r.status === 200 || r.status === 307,
      () => false,
    );
    if (up) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`node ${node.name} did not start:\n${node.log()}`);
}
