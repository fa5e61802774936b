/**
 * A periodic job that can be stopped cleanly: `stop()` waits for the pass in
 * progress, so a server can close its storage right after. Timers are unref'd
 * so a forgotten loop never keeps a process alive.
 */
export class BackgroundLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly intervalMs: number,
    private readonly pass: () => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(firstDelayMs = 0): void {
    this.stopped = false;
    this.schedule(firstDelayMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One pass now (tests and `start` use it); concurrent calls share the pass. */
  runOnce(): Promise<void> {
    this.running ??= this.pass()
      .catch(this.onError)
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.runOnce().then(() => this.schedule(this.intervalMs));
    }, delayMs);
    this.timer.unref();
  }
}
