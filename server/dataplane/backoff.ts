/**
 * Restart delays: `initialMs` doubling up to `maxMs`. The delay keeps growing while the SE breaks
 * again soon after each start (a crash loop must not spin), and starts over after a long good run.
 */
export class Backoff {
  #attempts = 0;
  #upSince: number | null = null;

  constructor(
    private readonly initialMs = 500,
    private readonly maxMs = 30_000,
    private readonly stableMs = 30_000,
  ) {}

  /** The SE is up (again). */
  up(): void {
    this.#upSince = Date.now();
  }

  /** Something broke: the delay before the next restart attempt. */
  next(): number {
    if (this.#upSince !== null && Date.now() - this.#upSince > this.stableMs) this.#attempts = 0;
    this.#upSince = null;
    const delay = Math.min(this.maxMs, this.initialMs * 2 ** this.#attempts);
    this.#attempts++;
    return delay;
  }

  reset(): void {
    this.#attempts = 0;
  }
}
