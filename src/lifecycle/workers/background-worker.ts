/**
 * The shell the collector and renewer share: a pass every `intervalMs` that
 * can be stopped cleanly. Passes read the due index, so a pass over a large,
 * idle estate is a range read that finds nothing. `stop()` asks the pass in
 * progress to end after the record it is on (passes check `stopping` between
 * records) and waits for it, so a server can close its storage right after.
 * Timers are unref'd so a forgotten worker never keeps a process alive.
 */
import type { LifecycleServices } from '../services.js';

export interface WorkerSettings {
  enabled: boolean;
  intervalMs: number;
}

export abstract class BackgroundWorker<S extends WorkerSettings> {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  /** Set by stop(): a pass returns before its next record. */
  protected stopping = false;

  constructor(
    protected readonly lifecycle: LifecycleServices,
    readonly settings: S,
    /** For the log line of a failed pass: "background collector", … */
    private readonly name: string,
  ) {}

  /** Starts passes (the first at once) when the settings enable this worker. */
  start(): void {
    if (!this.settings.enabled) return;
    this.stopped = false;
    this.stopping = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One pass now (tests and the timer use it); concurrent calls share the pass. */
  runOnce(): Promise<void> {
    this.running ??= this.pass()
      .catch((err) => this.lifecycle.logger.error({ err }, `${this.name} pass failed`))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  protected abstract pass(): Promise<void>;

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.runOnce().then(() => this.schedule(this.settings.intervalMs));
    }, delayMs);
    this.timer.unref();
  }
}
