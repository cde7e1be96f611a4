import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readSync, rmSync, statSync } from "node:fs";
import net from "node:net";
import { AppError } from "@/lib/errors";
import { seEnv } from "./checks";
import { seLayout } from "./layout";
import { explainListenFailure, serviceThatCannotListen } from "./listen-failure";
import { nginxCommand } from "./nginx-command";
import { childEnv, killGroup, killStale, pollUntil, type RunAs } from "./process";
import type { ServiceEngineSpec } from "./types";

export interface NginxProcess {
  readonly pid: number;
  /** SIGHUP and wait until the master has started workers with the new config (or refused it). */
  reload(timeoutMs: number): Promise<void>;
  /** Graceful stop, then SIGKILL to the whole group: no worker is ever left behind. */
  stop(): Promise<void>;
}

function listeners(spec: ServiceEngineSpec): { host: string; port: number }[] {
  return spec.virtualServices.flatMap((vs) => vs.ports.map((p) => ({ host: vs.vip, port: p.port })));
}

function accepts(target: { host: string; port: number }): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(target);
    s.setTimeout(1000);
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
    s.once("timeout", () => {
      s.destroy();
      resolve(false);
    });
  });
}

/** Waits until every listener of the spec accepts connections. */
export async function waitForListeners(spec: ServiceEngineSpec, timeoutMs: number, alive: () => boolean) {
  return pollUntil(async () => {
    if (!alive()) return false;
    const all = await Promise.all(listeners(spec).map(accepts));
    return all.every(Boolean) ? true : undefined;
  }, timeoutMs);
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** Text appended to a log since `offset` (at most 64 KiB). */
export function readLogFrom(file: string, offset: number): string {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return "";
  }
  try {
    const length = Math.min(65536, Math.max(0, fileSize(file) - offset));
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, offset);
    return buffer.toString("utf8");
  } finally {
    closeSync(fd);
  }
}

function lastLines(text: string, n = 5): string {
  return text.trim().split("\n").slice(-n).join("\n");
}

/**
 * Starts nginx in the foreground (`daemon off`) in its own process group, as the SE user, with
 * only the SE's environment. Resolves once every listener accepts connections.
 */
export async function startNginx(
  spec: ServiceEngineSpec,
  runAs: RunAs | null,
  onExit: (reason: string) => void,
  timeoutMs: number,
): Promise<NginxProcess> {
  const l = seLayout(spec.dataDir);
  // A console that died leaves its detached nginx behind: find it by pid file and config path.
  killStale(l.nginxPid, l.nginxConf);
  rmSync(l.nginxPid, { force: true });
  const offset = fileSize(l.errorLog);
  const [file, args] = nginxCommand(["-p", l.root, "-c", l.nginxConf, "-e", l.errorLog], runAs);
  const child = spawn(file, args, {
    env: childEnv(seEnv(spec)),
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
      // Workers do not die with their master: end the whole group.
      if (child.pid) killGroup(child.pid, "SIGKILL");
      if (!stopping) onExit(`nginx exited unexpectedly (${signal ?? `code ${code}`})`);
      resolve();
    });
    child.on("error", () => {
      exited = true;
      resolve();
    });
  });
  const pid = child.pid;
  if (!pid) throw new AppError("SE_START_FAILED", "Could not start nginx.");

  const proc: NginxProcess = {
    pid,
    async reload(reloadTimeoutMs) {
      const from = fileSize(l.errorLog);
      process.kill(pid, "SIGHUP");
      const result = await pollUntil(() => {
        if (exited) return "nginx exited during reload";
        const text = readLogFrom(l.errorLog, from);
        const emerg = text.split("\n").find((line) => /\[(emerg|alert)\]/.test(line));
        if (emerg) return emerg;
        return /start worker process/.test(text) ? "ok" : undefined;
      }, reloadTimeoutMs);
      const hint = result && result !== "ok" ? explainListenFailure(result, runAs) : undefined;
      if (result !== "ok")
        throw new AppError(
          "SE_RELOAD_FAILED",
          `nginx did not reload: ${result ?? "no answer"}${hint ? ` ${hint}` : ""}`,
          {
            details: { log: lastLines(readLogFrom(l.errorLog, from)) },
          },
        );
      const up = await waitForListeners(spec, reloadTimeoutMs, () => !exited);
      if (up !== true)
        throw new AppError("SE_RELOAD_FAILED", "nginx reloaded but a listener does not accept.");
    },
    async stop() {
      stopping = true;
      if (!exited) {
        killGroup(pid, "SIGTERM");
        const gone = await Promise.race([exitPromise.then(() => true), delay(3000).then(() => false)]);
        if (!gone) killGroup(pid, "SIGKILL");
      }
      await exitPromise;
      killGroup(pid, "SIGKILL");
    },
  };

  // The pid file appears once the config (and every HSM key) is loaded; then the listeners.
  const loaded = await pollUntil(
    () => (exited ? false : existsSync(l.nginxPid) ? true : undefined),
    timeoutMs,
  );
  const up = loaded === true ? await waitForListeners(spec, timeoutMs, () => !exited) : false;
  if (up !== true) {
    await proc.stop();
    const output = `${stderr}\n${readLogFrom(l.errorLog, offset)}`;
    const hint = explainListenFailure(output, runAs);
    // A listener that cannot be opened is its virtual service's problem alone: name it.
    const listen = serviceThatCannotListen(spec, output);
    throw new AppError(
      "SE_START_FAILED",
      listen
        ? `Virtual service ${listen.vs.name} cannot listen on ${listen.address}.${hint ? ` ${hint}` : ""}`
        : `nginx of ${spec.name} did not start.${hint ? ` ${hint}` : ""}`,
      { details: { output: lastLines(output), ...(listen ? { virtualService: listen.vs.id } : {}) } },
    );
  }
  return proc;
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
