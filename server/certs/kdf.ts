import { pbkdf2 } from "node:crypto";
import { Worker } from "node:worker_threads";
import { pkcs12KdfBody } from "./pkcs12-kdf";

/**
 * Password-based key derivation for imports, never on the event loop: PBKDF2 runs on libuv's
 * thread pool (node's async pbkdf2), the PKCS#12 KDF (a JS hash loop) in one worker thread.
 * At most two derivations at a time, so imports cannot take the whole thread pool from file and
 * DNS work.
 *
 * Iterations are capped at 1,000,000: tools write 2,048 (OpenSSL) to 600,000 (OWASP's PBKDF2-SHA256
 * advice, password managers), so every real file passes, and one derivation stays near a second of
 * one thread; a hostile file asking for billions is refused before any work.
 */
export const MAX_ITERATIONS = 1_000_000;
const MAX_PARALLEL = 2;

let running = 0;
const waiting: Array<() => void> = [];

async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_PARALLEL) await new Promise<void>((resolve) => waiting.push(resolve));
  running += 1;
  try {
    return await work();
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

export function pbkdf2Async(
  password: Buffer,
  salt: Buffer,
  iterations: number,
  keyLength: number,
  hash: string,
): Promise<Buffer> {
  return limited(
    () =>
      new Promise((resolve, reject) =>
        pbkdf2(password, salt, iterations, keyLength, hash, (error, key) =>
          error ? reject(error) : resolve(key),
        ),
      ),
  );
}

export function pkcs12KdfAsync(
  hash: string,
  password: Buffer,
  salt: Buffer,
  iterations: number,
  id: 1 | 2 | 3,
  length: number,
): Promise<Buffer> {
  return limited(() => inWorker([hash, password, salt, iterations, id, length]));
}

/** esbuild (tsx, Next) may wrap named functions in its \`__name\` helper: defined here as a no-op. */
const WORKER_SOURCE = `
const __name = (target) => target;
const { parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const kdf = ${pkcs12KdfBody.toString()};
parentPort.on("message", ({ id, args }) => {
  try {
    const out = kdf(createHash, ...args);
    parentPort.postMessage({ id, out });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message) });
  }
});`;

let worker: Worker | undefined;
let nextId = 0;
const pending = new Map<number, { resolve: (out: Buffer) => void; reject: (error: Error) => void }>();

/** One long-lived worker, unreferenced while idle so that it never keeps the process alive. */
function inWorker(args: unknown[]): Promise<Buffer> {
  if (!worker) {
    const created = new Worker(WORKER_SOURCE, { eval: true });
    created.on("message", (m: { id: number; out?: Uint8Array; error?: string }) => {
      const job = pending.get(m.id);
      pending.delete(m.id);
      if (pending.size === 0) created.unref();
      if (m.error !== undefined || !m.out) job?.reject(new Error(m.error ?? "no output"));
      else job?.resolve(Buffer.from(m.out));
    });
    const fail = (error: Error) => {
      worker = undefined;
      for (const job of pending.values()) job.reject(error);
      pending.clear();
    };
    created.on("error", fail);
    created.on("exit", () => fail(new Error("the key derivation worker stopped")));
    worker = created;
  }
  const id = nextId++;
  worker.ref();
  worker.postMessage({ id, args });
  return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
}
