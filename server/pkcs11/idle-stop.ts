/** A timer that stops an unused worker: re-armed at the end of each call, never keeps the process alive. */
export class IdleStop {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ms: number,
    private readonly stop: () => void,
  ) {}

  arm(): void {
    if (this.ms <= 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(this.stop, this.ms);
    this.timer.unref();
  }

  cancel(): void {
    clearTimeout(this.timer);
  }
}
