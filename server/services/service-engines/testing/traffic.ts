import { probeVirtualService } from "@/server/dataplane";

/**
 * Test and benchmark helper: a client that keeps making real HTTPS requests (TCP, full TLS
 * handshake signed by the HSM key, HTTP to the pool) against one virtual service and records each
 * outcome, so a failover's no-service window and any failure after it are measured, not guessed.
 */
export interface Outcome {
  at: number;
  ok: boolean;
  error?: string;
}

export interface FailoverWindow {
  /** From the event to the first success after the first failure (0: no request failed). */
  windowMs: number;
  /** When service resumed. */
  resumedAt: number;
}

export class TrafficLoop {
  readonly outcomes: Outcome[] = [];
  #running = true;
  readonly #done: Promise<void>;

  constructor(target: { vip: string; port: number; serverName: string }, pauseMs = 20) {
    this.#done = (async () => {
      while (this.#running) {
        const r = await probeVirtualService({ ...target, timeoutMs: 2000 });
        this.outcomes.push({
          at: Date.now(),
          ok: r.ok,
          ...(r.ok ? {} : { error: `${r.stage}: ${r.error}` }),
        });
        await new Promise((res) => setTimeout(res, pauseMs));
      }
    })();
  }

  /** The window after an event (a kill, an appliance's return), once service has resumed. */
  windowAfter(since: number): FailoverWindow | undefined {
    const after = this.outcomes.filter((o) => o.at > since);
    const failed = after.findIndex((o) => !o.ok);
    if (failed === -1) {
      const ok = after.find((o) => o.ok);
      return ok && { windowMs: 0, resumedAt: since };
    }
    const resumed = after.slice(failed).find((o) => o.ok);
    return resumed && { windowMs: resumed.at - since, resumedAt: resumed.at };
  }

  /** Waits (up to a deadline that only ends a stuck test) until service resumed after `since`. */
  async resumed(since: number, deadlineMs = 120_000): Promise<FailoverWindow> {
    const end = Date.now() + deadlineMs;
    for (;;) {
      const w = this.windowAfter(since);
      if (w) return w;
      if (Date.now() > end) throw new Error(`service did not resume: ${this.summary(since)}`);
      await new Promise((res) => setTimeout(res, 50));
    }
  }

  /** Waits until `count` more requests succeeded after `from`; returns the failures since `from`. */
  async servedAfter(from: number, count: number, deadlineMs = 60_000): Promise<Outcome[]> {
    const end = Date.now() + deadlineMs;
    while (this.outcomes.filter((o) => o.at > from && o.ok).length < count) {
      if (Date.now() > end) throw new Error(`fewer than ${count} requests served: ${this.summary(from)}`);
      await new Promise((res) => setTimeout(res, 50));
    }
    return this.outcomes.filter((o) => o.at > from && !o.ok);
  }

  /** Changes of outcome since `since`, e.g. "ok@12 FAIL@80 (handshake: …) ok@900". */
  summary(since: number): string {
    const after = this.outcomes.filter((o) => o.at > since);
    return after
      .filter((o, i) => i === 0 || o.ok !== after[i - 1]!.ok)
      .map((o) => (o.ok ? `ok@${o.at - since}` : `FAIL@${o.at - since} (${o.error})`))
      .join(" ");
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#done;
  }
}
