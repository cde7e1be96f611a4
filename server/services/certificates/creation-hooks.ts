/**
 * Where a creation stands, for two readers: the reconciler (which rows this process is still
 * working on) and the crash test (a hook it installs to stop the process at a chosen point and
 * kill it there). Production code never installs a hook; no environment variable enables one.
 */

/** Points of a creation, in order. */
export type CreationPoint = "before-row" | "after-row" | "after-key";

type Hook = (point: CreationPoint, certificateId: string | null) => Promise<void> | void;

let hook: Hook | null = null;
/**
 * On globalThis: the console's listener (REST, uploads) and Next's routes load their own copies of
 * this module in one process, and the reconciler must see creations started by either.
 */
const holder = globalThis as unknown as { __hsmCreationsInFlight?: Set<string> };
holder.__hsmCreationsInFlight ??= new Set<string>();
const inFlight = holder.__hsmCreationsInFlight;

/** Tests only: called at every point of every creation in this process. */
export function setCreationHook(fn: Hook | null): void {
  hook = fn;
}

export async function reachPoint(point: CreationPoint, certificateId: string | null): Promise<void> {
  if (hook) await hook(point, certificateId);
}

/** Runs one creation's background work, marked as alive in this process while it runs. */
export async function tracked<T>(certificateId: string, work: () => Promise<T>): Promise<T> {
  inFlight.add(certificateId);
  try {
    return await work();
  } finally {
    inFlight.delete(certificateId);
  }
}

/** A creation this process is still working on is never treated as interrupted. */
export function isInFlightHere(certificateId: string): boolean {
  return inFlight.has(certificateId);
}
