import { Backoff } from "../backoff";

/** A Backoff that keeps the restart delays it chose, so tests and benches read them instead of timing restarts. */
export class RecordedBackoff extends Backoff {
  readonly delays: number[] = [];

  override next(): number {
    const delay = super.next();
    this.delays.push(delay);
    return delay;
  }
}
