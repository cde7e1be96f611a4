import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";

/** Who the SE's nginx (master and workers) and its checks run as. */
export interface RunAs {
  user: string;
  group: string;
  uid: number;
  gid: number;
}

/**
 * When the console runs as root, SEs run as an unprivileged user (default nobody/nogroup): the
 * HSM is reachable only through the p11-kit socket, never through token files. Without root, the
 * SE runs as the console's own user.
 */
export function resolveRunAs(user = "nobody", group = "nogroup"): RunAs | null {
  if (process.getuid?.() !== 0) return null;
  const uid = Number(execFileSync("id", ["-u", user], { encoding: "utf8" }).trim());
  const gidLine = execFileSync("getent", ["group", group], { encoding: "utf8" }).trim();
  const gid = Number(gidLine.split(":")[2]);
  return { user, group, uid, gid };
}

/** A clean environment for a child (the project's ProcessEnv type demands NODE_ENV). */
export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return env as unknown as NodeJS.ProcessEnv;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/**
 * Runs a command in its own process group with a deadline: PKCS#11 over p11-kit has no timeouts,
 * so a hung peer would block a check forever; on timeout the whole group is killed.
 */
export function runCommand(
  file: string,
  args: string[],
  options: { env: Record<string, string>; timeoutMs: number; runAs?: RunAs | null; input?: string },
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      env: childEnv(options.env),
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
      ...(options.runAs ? { uid: options.runAs.uid, gid: options.runAs.gid } : {}),
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.on("data", (d: Buffer) => {
      if (stdout.length < 65536) stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      if (stderr.length < 65536) stderr += d.toString();
    });
    // A child that exits before reading its stdin must not crash us with EPIPE.
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.input ?? "");
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid) killGroup(child.pid, "SIGKILL");
    }, options.timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, stdout, stderr: `${stderr}${error.message}`, timedOut });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/** Signals a whole process group (nginx master + workers, p11-kit server + its per-client forks). */
export function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

/** A zombie (exited, not yet reaped, e.g. reparented to an init that does not reap) is dead. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** Command line of a live process, or "" (used to recognise our own stale processes). */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    return "";
  }
}

/** Polls `check` until it returns a value or the deadline passes (no fixed sleeps). */
export async function pollUntil<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 50,
): Promise<T | undefined> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() >= end) return undefined;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Kills a stale process group recorded in a pid file if it is still ours (matched by marker). */
export function killStale(pidFile: string, marker: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, "utf8").trim());
  } catch {
    return false;
  }
  if (!Number.isInteger(pid) || pid <= 1 || !isAlive(pid)) return false;
  if (!commandLine(pid).includes(marker)) return false;
  killGroup(pid, "SIGKILL");
  return true;
}
