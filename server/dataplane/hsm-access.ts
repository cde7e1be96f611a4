import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, rmSync, statSync, writeFileSync } from "node:fs";
import { AppError } from "@/lib/errors";
import { childEnv, killGroup, killStale, pollUntil, type RunAs } from "./process";
import type { ServiceEngineSpec } from "./types";

/** Whether two SE specs reach the HSM the same way (functions such as `ensure` are left out on purpose). */
export function sameHsmAccess(a: ServiceEngineSpec["hsm"], b: ServiceEngineSpec["hsm"]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export const SOFTHSM_PROVIDER = "/usr/lib/softhsm/libsofthsm2.so";

/** RFC 7512 percent-encoding of an attribute value (token labels may hold spaces). */
export function encodePkcs11Value(value: string): string {
  return [...Buffer.from(value, "utf8")]
    .map((b) => {
      const c = String.fromCharCode(b);
      return /[A-Za-z0-9._~-]/.test(c) ? c : `%${b.toString(16).padStart(2, "0")}`;
    })
    .join("");
}

export interface P11KitServerOptions {
  /** The provider library and its environment (SOFTHSM2_CONF for SoftHSM). */
  providerPath: string;
  providerEnv: Record<string, string>;
  tokenLabel: string;
  socketPath: string;
  pidFile: string;
  /** Only this user may connect (p11-kit checks the peer's uid); null = our own user. */
  runAs?: RunAs | null;
  /** Called once when the server exits without stop() (an "HSM restart" to the SE). */
  onExit?: (reason: string) => void;
}

export interface P11KitServer {
  readonly pid: number;
  readonly socketPath: string;
  stop(): Promise<void>;
}

/**
 * Starts `p11-kit server` exporting one token of a local PKCS#11 library (SoftHSM, a vendor's
 * client library) on a unix socket. It runs as root and reads the root-owned token files or
 * client credentials; the SE's nginx (an unprivileged user) only ever opens the socket,
 * which p11-kit chowns to that user and guards by peer uid. The server forks one p11-kit-remote per
 * client connection; all of them share its process group, so stop() ends them together.
 */
export async function startP11KitServer(options: P11KitServerOptions): Promise<P11KitServer> {
  // Matched by socket path: the exec'd p11-kit-server shows argv "server -f … -n SOCKET".
  killStale(options.pidFile, options.socketPath);
  rmSync(options.socketPath, { force: true });
  const args = ["server", "-f", "--provider", options.providerPath, "-n", options.socketPath];
  if (options.runAs) args.push("-u", options.runAs.user, "-g", options.runAs.group);
  args.push(`pkcs11:token=${encodePkcs11Value(options.tokenLabel)}`);
  const child: ChildProcess = spawn("p11-kit", args, {
    env: childEnv({ ...options.providerEnv, PATH: process.env.PATH ?? "/usr/bin:/bin" }),
    detached: true,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    if (stderr.length < 8192) stderr += d.toString();
  });
  let exited = false;
  let stopping = false;
  const exitPromise = new Promise<void>((resolve) => {
    child.on("exit", (code, signal) => {
      exited = true;
      if (child.pid) killGroup(child.pid, "SIGKILL"); // its per-connection forks
      if (!stopping) options.onExit?.(`p11-kit server exited (${signal ?? `code ${code}`})`);
      resolve();
    });
    child.on("error", () => {
      exited = true;
      resolve();
    });
  });
  const pid = child.pid;
  if (!pid) throw new AppError("HSM_UNAVAILABLE", "Could not start p11-kit server.");
  writeFileSync(options.pidFile, `${pid}\n`);

  const ready = await pollUntil(() => {
    if (exited) return false;
    return existsSync(options.socketPath) && statSync(options.socketPath).isSocket() ? true : undefined;
  }, 5000);
  const server: P11KitServer = {
    pid,
    socketPath: options.socketPath,
    async stop() {
      stopping = true;
      killGroup(pid, "SIGTERM");
      const gone = await Promise.race([exitPromise.then(() => true), delay(2000).then(() => false)]);
      if (!gone) killGroup(pid, "SIGKILL");
      await exitPromise;
      rmSync(options.pidFile, { force: true });
      rmSync(options.socketPath, { force: true });
    },
  };
  if (ready !== true) {
    await server.stop();
    throw new AppError(
      "HSM_UNAVAILABLE",
      `p11-kit server for token ${options.tokenLabel} did not start: ${stderr.trim() || "no socket"}`,
    );
  }
  return server;
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
