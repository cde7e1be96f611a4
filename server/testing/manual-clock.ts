/**
 * A clock that moves only when the test says so: timers armed on it fire in `advance()`, so a
 * timeout happens at the point the test chooses, never because the machine was slow or fast.
 * It fits the clocks the PKCS#11 connection (server/pkcs11/clock.ts) and the NTLS connector take.
 */
export class ManualClock {
  private time = 0;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; ms: number; fn: () => void }>();
  private readonly watchers: Array<{ ms: number; resolve: () => void }> = [];

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): number {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + Math.max(0, ms), ms, fn });
    for (const w of this.watchers.filter((x) => x.ms === ms)) {
      this.watchers.splice(this.watchers.indexOf(w), 1);
      w.resolve();
    }
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** The delays of the timers armed and neither fired nor cleared. */
  pending(): number[] {
    return [...this.timers.values()].map((t) => t.ms);
  }

  /** Resolves when a timer of `ms` is armed (at once if one is pending). */
  armed(ms: number): Promise<void> {
    if (this.pending().includes(ms)) return Promise.resolve();
    return new Promise((resolve) => this.watchers.push({ ms, resolve }));
  }

  /** Moves time on by `ms` and fires, in order, the timers that fall due. */
  advance(ms: number): void {
    this.time += ms;
    const due = [...this.timers].filter(([, t]) => t.at <= this.time).sort(([, a], [, b]) => a.at - b.at);
    for (const [id, t] of due) {
      if (!this.timers.delete(id)) continue; // cleared by an earlier timer of this round
      t.fn();
    }
  }
}
