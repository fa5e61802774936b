/**
 * The shell the collector and renewer share: a pass every `intervalMs` that
 * can be stopped cleanly. Passes read the due index, so a pass over a large,
 * idle estate is a range read that finds nothing. `stop()` asks the pass in
 * progress to end after the record it is on (passes check `stopping` between
 * records) and waits for it, so a server can close its storage right after.
 * Timers are unref'd so a forgotten worker never keeps a process alive.
 */
import type { LifecycleLogger, LifecycleServices } from '../services.js';
import type { WorkerName } from '../telemetry.js';

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
    private readonly name: WorkerName,
    /** The worker's own logger (the server's `collector`, `renewer`); the lifecycle's by default. */
    protected readonly logger: LifecycleLogger = lifecycle.logger,
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
    this.running ??= this.timedPass().finally(() => (this.running = undefined));
    return this.running;
  }

  /** One pass; resolves to what it did, counted by kind of work, for the pass's debug line. */
  protected abstract pass(): Promise<Record<string, number>>;

  private async timedPass(): Promise<void> {
    const started = performance.now();
    try {
      const done = await this.pass();
      this.logger.debug({ ...done, ms: Math.round(performance.now() - started) }, `background ${this.name} pass finished`);
    } catch (err) {
      this.logger.error({ err }, `background ${this.name} pass failed`);
    } finally {
      this.lifecycle.telemetry.workerPass(this.name, (performance.now() - started) / 1000);
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.runOnce().then(() => this.schedule(this.settings.intervalMs));
    }, delayMs);
    this.timer.unref();
  }
}
