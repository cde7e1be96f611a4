import { type Clock, systemClock } from "./clock";
import { timeoutError } from "./errors";

/**
 * The concurrency cap of one connection: at most `max` calls at once, the others wait in order.
 * Waiting counts against the operation's timeout (a caller never waits longer than it asked).
 */
export class CallSlots {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly max: number,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Calls waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Takes a free slot at once (the common case, no await), or says there is none. */
  tryAcquire(): boolean {
    if (this.active >= this.max) return false;
    this.active++;
    return true;
  }

  async acquire(deadline: number, op: string, timeoutMs: number): Promise<void> {
    if (this.tryAcquire()) return;
    await new Promise<void>((resolve, reject) => {
      const grant = () => {
        this.clock.clearTimeout(timer);
        this.active++;
        resolve();
      };
      const timer = this.clock.setTimeout(() => {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(timeoutError(op, timeoutMs));
      }, deadline - this.clock.now());
      this.waiting.push(grant);
    });
  }

  release(): void {
    this.active--;
    this.waiting.shift()?.();
  }
}
