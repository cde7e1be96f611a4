import { Backoff } from "@/server/dataplane";

/**
 * What a recovery attempt found: the SE serves again; no member could serve it now; or every
 * member was merely unreachable (a cheap check: the first one back is taken within `soonMs`).
 */
export type RecoveryOutcome = "served" | "retry" | "retry-soon";

/**
 * Recovers SEs that stopped serving (HSM link lost, handshakes failing, nginx crashed): the SE is
 * restarted on a member that can serve it, and tried again, with a growing delay, for as long as it
 * is not serving. Losses arrive in bursts (one per nginx worker link) and are coalesced per SE; a
 * loss reported while an attempt runs is that attempt's business. An SE that breaks again soon
 * after each recovery waits longer each time (a crash loop must not spin).
 */
export class FailoverScheduler {
  readonly #pending = new Map<string, NodeJS.Timeout>();
  readonly #running = new Set<string>();
  readonly #backoffs = new Map<string, Backoff>();
  #stopped = false;

  constructor(
    private readonly recover: (seName: string, reason: string) => Promise<RecoveryOutcome>,
    private readonly options: { coalesceMs?: number; maxRetryMs?: number; soonMs?: number } = {},
  ) {}

  /** Schedules a recovery of this SE (once, however many links were lost together). */
  lost(seName: string, reason: string): void {
    if (this.#stopped || this.#pending.has(seName) || this.#running.has(seName)) return;
    this.#schedule(seName, reason, this.#backoff(seName).next());
  }

  stop(): void {
    this.#stopped = true;
    for (const timer of this.#pending.values()) clearTimeout(timer);
    this.#pending.clear();
  }

  #backoff(seName: string): Backoff {
    let backoff = this.#backoffs.get(seName);
    if (!backoff) {
      // A recovery that held 5 s was no crash loop: the next loss starts from the short delay again.
      backoff = new Backoff(this.options.coalesceMs ?? 100, this.options.maxRetryMs ?? 30_000, 5_000);
      this.#backoffs.set(seName, backoff);
    }
    return backoff;
  }

  #schedule(seName: string, reason: string, delayMs: number): void {
    const timer = setTimeout(() => {
      this.#pending.delete(seName);
      this.#running.add(seName);
      void this.recover(seName, reason).then(
        (outcome) => this.#after(seName, reason, outcome),
        () => this.#after(seName, reason, "retry"),
      );
    }, delayMs);
    timer.unref();
    this.#pending.set(seName, timer);
  }

  #after(seName: string, reason: string, outcome: RecoveryOutcome): void {
    this.#running.delete(seName);
    const backoff = this.#backoff(seName);
    if (outcome === "served") {
      backoff.up();
      return;
    }
    if (this.#stopped || this.#pending.has(seName)) return;
    // Waiting for an unreachable member costs nothing and does not grow the delay of real failures.
    this.#schedule(seName, reason, outcome === "retry-soon" ? (this.options.soonMs ?? 500) : backoff.next());
  }
}
