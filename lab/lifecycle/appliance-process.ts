import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";

/**
 * Runs one appliance (lab/appliance/main.ts) as its own process group, so that stopping it
 * stops its p11-kit children too. The child also watches its stdin pipe and exits when this
 * process goes away, however abruptly: no orphans.
 */
const REPO_ROOT = findRepoRoot();
const MAIN = path.join(REPO_ROOT, "lab", "appliance", "main.ts");

/** Bundlers may rewrite __dirname (Next): fall back to $HSM_CONSOLE_ROOT or the working directory. */
function findRepoRoot(): string {
  const candidates = [process.env.HSM_CONSOLE_ROOT, path.resolve(__dirname, "..", ".."), process.cwd()];
  const found = candidates.find((c) => c && fs.existsSync(path.join(c, "lab", "appliance", "main.ts")));
  return found ?? process.cwd();
}
const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

export interface ApplianceProcess {
  pid: number;
  /** Resolves when the appliance process exits, for whatever reason. */
  exited: Promise<void>;
  /** Resolves when the whole group is gone. */
  stop(signal?: "SIGTERM" | "SIGKILL"): Promise<void>;
}

export async function spawnAppliance(dir: string): Promise<ApplianceProcess> {
  installExitHook();
  const child = spawn(process.execPath, ["--import", "tsx", MAIN, "--dir", dir, "--exit-with-stdin"], {
    cwd: REPO_ROOT,
    detached: true, // own process group: kill(-pid) reaches p11-kit children
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, SOFTHSM2_CONF: path.join(dir, "softhsm2.conf") },
  });
  live.add(child);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  exited.then(() => live.delete(child));
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => fail(`did not become ready within ${READY_TIMEOUT_MS} ms`),
      READY_TIMEOUT_MS,
    );
    const fail = (why: string) => {
      clearTimeout(timer);
      killGroup(child, "SIGKILL");
      reject(new Error(`appliance ${path.basename(dir)} ${why}: ${stderr.trim()}`));
    };
    readline.createInterface({ input: child.stdout! }).on("line", (line) => {
      if (line.trim() === "READY") {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => fail(`exited with code ${code}`));
  });
  child.stdout!.resume();
  return {
    pid: child.pid!,
    exited,
    async stop(signal = "SIGTERM") {
      if (child.exitCode !== null || child.signalCode !== null) return;
      killGroup(child, signal);
      const timer = setTimeout(() => killGroup(child, "SIGKILL"), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
      // The leader may exit before its p11-kit children notice: sweep the group, and resolve
      // only once no member is left (SIGKILL is delivered asynchronously).
      killGroup(child, "SIGKILL");
      await waitGroupGone(child.pid!, STOP_GRACE_MS);
    },
  };
}

async function waitGroupGone(pgid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return; // ESRCH: the group is empty
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // group already gone
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const child of live) killGroup(child, "SIGKILL");
  });
}
