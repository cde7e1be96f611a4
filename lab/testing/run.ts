import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** Short paths: unix socket paths are limited to 108 bytes. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Killed by `run` at `timeoutMs`: the command hung instead of ending by itself. */
  timedOut: boolean;
}

/** Async on purpose: an NTLS link may run in this process and must keep relaying meanwhile. */
export function run(
  cmd: string,
  args: string[],
  env: Record<string, string | undefined> = {},
  timeoutMs = 20_000,
): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env: { ...process.env, ...env }, timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr), timedOut: error?.killed === true });
    });
  });
}
