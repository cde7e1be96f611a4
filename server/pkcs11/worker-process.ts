/** Starting one connection's worker process: its entry, environment, IPC and CPU priority. */
import { type ChildProcess, fork } from "node:child_process";
import { setPriority } from "node:os";
import { AppError } from "../../lib/errors";
import { env as settings } from "../config/env";
import type { ConnectionSpec } from "./connection-spec";
import { WORKER_ENV } from "./rpc";
import { type WorkerCommand, workerCommand } from "./worker-command";

export const P11_KIT_CLIENT = "/usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-client.so";

/** The few variables a worker takes from the console: a fixed PATH and the layer's own debug switches. */
const INHERITED = ["HSM_PKCS11_TEST_HOOKS", "HSM_PKCS11_DEBUG", "NODE_ENV"] as const;

function inherited(): NodeJS.ProcessEnv {
  const env: Record<string, string> = { PATH: "/usr/local/bin:/usr/bin:/bin" };
  for (const name of INHERITED) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env as unknown as NodeJS.ProcessEnv;
}

/** Forks the worker for a connection spec (throws when the spec names no library). */
export function forkWorker(spec: ConnectionSpec, command: WorkerCommand = workerCommand()): ChildProcess {
  const network = spec.socketPath !== undefined;
  const libraryPath = spec.libraryPath ?? (network ? P11_KIT_CLIENT : undefined);
  if (!libraryPath) throw new AppError("VALIDATION", "An HSM connection needs a library path.");
  // A minimal environment, not the console's: the library sees only what its group declares.
  const env: NodeJS.ProcessEnv = {
    ...inherited(),
    ...spec.env,
    [WORKER_ENV.library]: libraryPath,
    [WORKER_ENV.network]: network ? "1" : "0",
    [WORKER_ENV.maxSessions]: String(spec.maxSessionsPerToken ?? 8),
    [WORKER_ENV.logLevel]: settings().HSM_CONSOLE_LOG_LEVEL,
    // Async PKCS#11 calls run on libuv's pool: keep it larger than the session pool so that a
    // slow (network) HSM never starves the worker's own fs/dns work.
    UV_THREADPOOL_SIZE: String(Math.max(4, (spec.maxSessionsPerToken ?? 8) + 2)),
  };
  if (network) env.P11_KIT_SERVER_ADDRESS = `unix:path=${spec.socketPath}`;
  const child = fork(/* turbopackIgnore: true */ command.entry, [], {
    cwd: process.cwd(),
    env,
    execArgv: command.execArgv,
    serialization: "json",
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  // Software tokens (SoftHSM) do their crypto inside the worker: run it below the web server's
  // CPU priority so that key generation never starves request handling.
  if (child.pid && (spec.niceness ?? 10) !== 0) {
    try {
      setPriority(child.pid, spec.niceness ?? 10);
    } catch {
      // not permitted: keep the default priority
    }
  }
  return child;
}
