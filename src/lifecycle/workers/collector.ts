/**
 * The background collector (SPEC §4.4 step 6): keeps collecting records SCM
 * still owes us, so the next read finds the certificate ready even when the
 * enroll request gave up. It finds its work by scanning storage, so it picks
 * up where it left off after a restart. Each record backs off on its own
 * (interval, 2×, 4×, … up to maxBackoffMs) so a slow approval does not cost an
 * SCM call every pass; the SCM client's shared limiter bounds the rest.
 * Each pass first resolves the order intents of interrupted enrolls
 * (intent-recovery.ts), so a recovered order is collected in the same pass.
 */
import { BackgroundWorker, type WorkerSettings } from './background-worker.js';
import { isAwaitingIssue } from '../record.js';
import { resolveOrderIntents } from '../intent-recovery.js';
import { collectRecord } from '../collect-record.js';
import type { LifecycleServices } from '../services.js';

export interface CollectorSettings extends WorkerSettings {
  maxBackoffMs: number;
}

export const DEFAULT_COLLECTOR_SETTINGS: CollectorSettings = {
  enabled: true,
  intervalMs: 10_000,
  maxBackoffMs: 10 * 60_000,
};

interface Backoff {
  nextAt: number;
  delayMs: number;
}

export class BackgroundCollector extends BackgroundWorker<CollectorSettings> {
  private readonly backoff = new Map<string, Backoff>();

  constructor(lifecycle: LifecycleServices, settings: CollectorSettings) {
    super(lifecycle, settings, 'background collector');
  }

  protected async pass(): Promise<void> {
    await resolveOrderIntents(this.lifecycle);
    const now = Date.now();
    const seen = new Set<string>();
    for await (const record of this.lifecycle.records.scan()) {
      if (!isAwaitingIssue(record)) continue;
      const key = `${record.config_name}/${record.cert_unique_id}`;
      seen.add(key);
      const wait = this.backoff.get(key);
      if (wait && wait.nextAt > now) continue;
      // A request already collecting this record will store the result.
      if (this.lifecycle.locks.isFlying(`collect:${key}`)) continue;
      await this.collectOnce(record.config_name, record.cert_unique_id, key, wait);
    }
    for (const key of this.backoff.keys()) if (!seen.has(key)) this.backoff.delete(key);
    await this.lifecycle.idempotency.sweep();
  }

  private async collectOnce(config: string, id: string, key: string, wait: Backoff | undefined): Promise<void> {
    try {
      const entry = await this.lifecycle.configs.require(config);
      const after = await collectRecord(this.lifecycle, entry, id, { loopPeriodMs: 0, maxWaitMs: 0 }, false);
      if (!isAwaitingIssue(after)) {
        this.backoff.delete(key);
        this.lifecycle.logger.info({ config, cert_unique_id: id, status: after.state.at(-1)?.status }, 'background collect finished');
        return;
      }
    } catch (err) {
      // Config deleted, SCM client unbuildable, …: keep the record, try again later.
      this.lifecycle.logger.warn({ config, cert_unique_id: id, err }, 'background collect failed');
    }
    const delayMs = Math.min(this.settings.maxBackoffMs, wait ? wait.delayMs * 2 : this.settings.intervalMs);
    this.backoff.set(key, { nextAt: Date.now() + delayMs, delayMs });
  }
}
