/**
 * How a connection's worker process is started: the compiled entry (build/pkcs11-worker.cjs, made
 * by scripts/build-server.mjs when the console starts) under plain node, or the TypeScript source
 * under tsx. A worker under tsx costs an esbuild service and about twice the memory; the source is
 * used only outside production (vitest, `npm run dev`), where the compiled file may be stale.
 */
import fs from "node:fs";
import path from "node:path";
import { env } from "../config/env";

export type WorkerKind = "compiled" | "source";

export interface WorkerCommand {
  kind: WorkerKind;
  entry: string;
  execArgv: string[];
}

/**
 * Located from the project root, joined at run time: inside Next's bundled server `__dirname` is
 * not the source folder, and a literal path makes Next's bundler try to bundle the worker.
 */
const ENTRIES: Record<WorkerKind, string[]> = {
  compiled: "build/pkcs11-worker.cjs".split("/"),
  source: "server/pkcs11/worker/entry.ts".split("/"),
};

export function workerCommand(kind: WorkerKind = preferredKind()): WorkerCommand {
  const entry = path.join(process.cwd(), ...ENTRIES[kind]);
  return { kind, entry, execArgv: kind === "source" ? ["--import", "tsx"] : [] };
}

function preferredKind(): WorkerKind {
  const compiled = path.join(process.cwd(), ...ENTRIES.compiled);
  return env().NODE_ENV === "production" && fs.existsSync(compiled) ? "compiled" : "source";
}
