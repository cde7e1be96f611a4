/**
 * When an SE's link to its network HSM breaks, its nginx cannot recover on its own (p11-kit
 * clients keep a dead session): the SE must restart on a member that answers. Losses arrive in
 * bursts (one per nginx worker link), so they are coalesced per SE; a failover that finds no
 * member is tried again with a growing delay until one answers or the SE is stopped.
 */
export class FailoverScheduler {
  readonly #pending = new Map<string, NodeJS.Timeout>();
  readonly #delays = new Map<string, number>();
  #stopped = false;

  constructor(
    private readonly failover: (seName: string, reason: string) => Promise<boolean>,
    private readonly options: { coalesceMs?: number; retryMs?: number; maxRetryMs?: number } = {},
  ) {}

  /** Schedules a failover of this SE (once, however many links were lost together). */
  lost(seName: string, reason: string): void {
    if (this.#stopped || this.#pending.has(seName)) return;
    this.#schedule(seName, reason, this.options.coalesceMs ?? 200);
  }

  stop(): void {
    this.#stopped = true;
    for (const timer of this.#pending.values()) clearTimeout(timer);
    this.#pending.clear();
  }

  #schedule(seName: string, reason: string, delayMs: number): void {
    const timer = setTimeout(() => {
      this.#pending.delete(seName);
      void this.failover(seName, reason).then(
        (done) => this.#after(seName, reason, done),
        () => this.#after(seName, reason, false),
      );
    }, delayMs);
    timer.unref();
    this.#pending.set(seName, timer);
  }

  #after(seName: string, reason: string, done: boolean): void {
    if (done) {
      this.#delays.delete(seName);
      return;
    }
    if (this.#stopped || this.#pending.has(seName)) return;
    const delay = this.#delays.get(seName) ?? this.options.retryMs ?? 2_000;
    this.#delays.set(seName, Math.min(delay * 2, this.options.maxRetryMs ?? 30_000));
    this.#schedule(seName, reason, delay);
  }
}
