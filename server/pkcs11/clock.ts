/**
 * The time source of a connection's deadlines (operation timeout, wait for a slot, worker start):
 * the system's in production; tests pass a manual clock (server/testing/manual-clock.ts) so that a
 * timeout happens when the test says, never because the machine was slow.
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** The promise's outcome, or the error `onTimeout` returns once the deadline (clock ms) passes. */
export function withDeadline<T>(
  promise: Promise<T>,
  deadline: number,
  onTimeout: () => Error,
  clock: Clock = systemClock,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = clock.setTimeout(() => reject(onTimeout()), Math.max(0, deadline - clock.now()));
    promise.then(
      (v) => {
        clock.clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clock.clearTimeout(timer);
        reject(e);
      },
    );
  });
}
