import { env } from "@/server/config/env";
import { type EchoServer, startEchoServer } from "@/server/dataplane";
import type { Db } from "@/server/db";
import { errorFields, log } from "@/server/observability/logger";
import { ensureDefaultSeGroup } from "./bootstrap";
import { SeSupervisor } from "./supervisor";
import { currentSupervisor, setSupervisor } from "./supervisor-registry";

const holder = globalThis as unknown as { __hsmEcho?: Promise<EchoServer | null> };

/**
 * Default-Group with se-1, then this node's SEs under one supervisor per process (kept across hot
 * reloads), stopped with the process so no nginx outlives the console.
 */
export async function startServiceEngines(db: Db): Promise<void> {
  await ensureDefaultSeGroup(db);
  if (currentSupervisor()) return;
  const supervisor = new SeSupervisor(db);
  setSupervisor(supervisor);
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    void supervisor.stopAll().finally(() => process.kill(process.pid, signal));
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => stop(signal));
  process.once("exit", () => supervisor.killAllNow());
  await supervisor.start();
}

/** The built-in echo pool server (HSM_CONSOLE_ECHO_PORT, 0 = off); shown as a hint in the VS form. */
export function startBuiltInEcho(): Promise<EchoServer | null> {
  const port = env().HSM_CONSOLE_ECHO_PORT;
  if (port === 0) return Promise.resolve(null);
  holder.__hsmEcho ??= startEchoServer({ host: "127.0.0.1", port, name: "built-in-echo" }).catch((error) => {
    log("service-engines").error({ ...errorFields(error), port, msg: "echo pool server not started" });
    return null;
  });
  return holder.__hsmEcho;
}

export function echoAddress(): string | null {
  const port = env().HSM_CONSOLE_ECHO_PORT;
  return port === 0 ? null : `127.0.0.1:${port}`;
}
