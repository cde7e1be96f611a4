import fs from "node:fs";
import path from "node:path";
import { seLayout } from "./layout";
import type { ServiceEngineSpec } from "./types";

export interface LogRotationOptions {
  /** A log is rotated once it is at least this large. */
  maxBytes: number;
  /** Rotated files kept per log: access.log.1 (newest) … access.log.<keep>. */
  keep: number;
  /** How often the sizes are looked at. Default 60 s. */
  intervalMs?: number;
}

/** Without the owner's settings (the console passes HSM_CONSOLE_SE_LOG_MAX_BYTES / _KEEP). */
export const DEFAULT_LOG_ROTATION: LogRotationOptions = { maxBytes: 50 * 1024 * 1024, keep: 5 };

function size(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** file.1 → file.2 … (the oldest beyond `keep` removed), then file → file.1. */
function shift(file: string, keep: number): void {
  fs.rmSync(`${file}.${keep}`, { force: true });
  for (let n = keep - 1; n >= 1; n--) {
    if (fs.existsSync(`${file}.${n}`)) fs.renameSync(`${file}.${n}`, `${file}.${n + 1}`);
  }
  fs.renameSync(file, `${file}.1`);
}

/**
 * Renames the SE's logs (access.log, error.log, each VS's TLS error log) that reached the cap. nginx keeps writing into the
 * renamed file (same inode) until told to reopen: the caller sends USR1 when this returns names.
 */
export function rotateLogs(spec: Pick<ServiceEngineSpec, "dataDir">, options: LogRotationOptions): string[] {
  const l = seLayout(spec.dataDir);
  const rotated: string[] = [];
  const perVs = fs.existsSync(l.logsDir)
    ? fs.readdirSync(l.logsDir).filter((f) => f.startsWith("vs-") && f.endsWith(".error.log"))
    : [];
  for (const file of [l.accessLog, l.errorLog, ...perVs.map((f) => path.join(l.logsDir, f))]) {
    if (size(file) < options.maxBytes) continue;
    shift(file, options.keep);
    rotated.push(file);
  }
  return rotated;
}

export interface LogRotation {
  stop(): void;
}

/**
 * Looks at the SE's logs every interval and rotates those past the cap, then has the nginx master
 * reopen them (USR1: it creates the files anew, owned by the worker user). `exclusive` runs the
 * step among the SE's other operations, so a reload that reads the error log from an offset
 * never sees it move.
 */
export function startLogRotation(
  spec: ServiceEngineSpec,
  options: LogRotationOptions,
  nginxPid: () => number | null,
  exclusive: (step: () => Promise<void>) => Promise<void>,
): LogRotation {
  const step = async () => {
    const pid = nginxPid();
    if (!pid || rotateLogs(spec, options).length === 0) return;
    try {
      process.kill(pid, "SIGUSR1");
    } catch {
      // nginx is gone: its restart opens the logs anew
    }
  };
  const timer = setInterval(() => void exclusive(step).catch(() => undefined), options.intervalMs ?? 60_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
