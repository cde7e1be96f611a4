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

/** The project root is the working directory (of `npm start`, `next dev`, vitest and the benches). */
export function workerCommand(kind?: WorkerKind, root = process.cwd()): WorkerCommand {
  const chosen = kind ?? preferredKind(root);
  const entry = path.join(/* turbopackIgnore: true */ root, ...ENTRIES[chosen]);
  return { kind: chosen, entry, execArgv: chosen === "source" ? ["--import", "tsx"] : [] };
}

function preferredKind(root: string): WorkerKind {
  const compiled = path.join(/* turbopackIgnore: true */ root, ...ENTRIES.compiled);
  return env().NODE_ENV === "production" && fs.existsSync(/* turbopackIgnore: true */ compiled)
    ? "compiled"
    : "source";
}
