/**
 * What the PKCS#11 layer tells observers (metrics, health samples) about its calls, without
 * knowing who listens: server/pkcs11 imports no service, so observability subscribes here.
 * Listeners live on globalThis (Next's bundle and scripts/serve.ts each load this module) and a
 * listener that throws never fails an HSM call.
 */
import type { OpName } from "./rpc";

interface Where {
  /** The owning HSM group's id (absent for connections outside a group: set-up, tests). */
  group?: string;
  /** The connection's name within its group ("module", "ntls:<server>:<fingerprint>"). */
  connection: string;
  /** The token (partition) label the call was for, when it names one. */
  token?: string;
}

export type Pkcs11Event =
  | (Where & {
      kind: "call";
      op: OpName;
      /** From the request leaving for the worker to its answer (no queueing, no worker start). */
      ms: number;
      ok: boolean;
      /** AppError code of a failure (HSM_PIN_INCORRECT, HSM_TIMEOUT, …). */
      code?: string;
      /** CKR name of a failure the token returned. */
      ckr?: string;
    })
  | (Where & { kind: "timeout"; op: OpName })
  | (Where & { kind: "worker-start"; restart: boolean });

export type Pkcs11Listener = (event: Pkcs11Event) => void;

const KEY = Symbol.for("hsm-console.pkcs11.observers");
type WithListeners = typeof globalThis & { [KEY]?: Set<Pkcs11Listener> };

function listeners(): Set<Pkcs11Listener> {
  const g = globalThis as WithListeners;
  g[KEY] ??= new Set();
  return g[KEY];
}

/** Subscribes to every connection's events; returns the unsubscribe function. */
export function onPkcs11Event(listener: Pkcs11Listener): () => void {
  listeners().add(listener);
  return () => listeners().delete(listener);
}

export function emitPkcs11Event(event: Pkcs11Event): void {
  for (const listener of listeners()) {
    try {
      listener(event);
    } catch {
      // an observer's failure is not the HSM's
    }
  }
}
