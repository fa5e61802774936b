/**
 * The background collector (SPEC §4.4 step 6): keeps collecting records SCM
 * still owes us, so the next read finds the certificate ready even when the
 * enroll request gave up. It finds its work in the due index (`collect`
 * entries, written with every record that awaits issue), so it picks up
 * where it left off after a restart and touches only what is due. Each record
 * backs off on its own (interval, 2×, 4×, … up to maxBackoffMs, kept in its
 * due entry) so a slow approval does not cost an SCM call every pass; the SCM
 * client's shared limiter bounds the rest. Each pass first resolves the order
 * intents of interrupted enrolls (intent-recovery.ts), so a recovered order
 * is collected in the same pass.
 */
import { BackgroundWorker, type WorkerSettings } from './background-worker.js';
import { ONE_ATTEMPT } from '../collect-loop.js';
import { collectRecord } from '../collect-record.js';
import { resolveOrderIntents } from '../intent-recovery.js';
import { isAwaitingIssue } from '../record.js';
import type { DueRecord } from '../record-store.js';
import type { LifecycleLogger, LifecycleServices } from '../services.js';

export interface CollectorSettings extends WorkerSettings {
  maxBackoffMs: number;
}

export const DEFAULT_COLLECTOR_SETTINGS: CollectorSettings = {
  enabled: true,
  intervalMs: 10_000,
  maxBackoffMs: 10 * 60_000,
};

export class BackgroundCollector extends BackgroundWorker<CollectorSettings> {
  constructor(lifecycle: LifecycleServices, settings: CollectorSettings, logger?: LifecycleLogger) {
    super(lifecycle, settings, 'collector', logger);
  }

  protected async pass(): Promise<Record<string, number>> {
    await resolveOrderIntents(this.lifecycle, () => this.stopping);
    let collected = 0;
    for await (const due of this.lifecycle.records.due('collect', Date.now())) {
      if (this.stopping) return { collected };
      // A request already collecting this record will store the result.
      if (await this.lifecycle.locks.isFlying(`collect:${due.config}/${due.id}`)) continue;
      await this.collectOnce(due);
      collected++;
    }
    await this.lifecycle.idempotency.sweep();
    return { collected };
  }

  private async collectOnce(due: DueRecord): Promise<void> {
    const { config, id } = due;
    this.logger.trace({ config, cert_unique_id: id, due_at: new Date(due.atMs).toISOString(), delay_ms: due.delay_ms }, 'collecting a due record');
    try {
      const entry = await this.lifecycle.configs.require(config);
      const after = await collectRecord(this.lifecycle, entry, id, ONE_ATTEMPT, false);
      if (!isAwaitingIssue(after)) {
        this.logger.info({ config, cert_unique_id: id, status: after.state.at(-1)?.status }, 'background collect finished');
        return;
      }
    } catch (err) {
      // Config deleted, SCM client unbuildable, …: keep the record, try again later.
      this.logger.warn({ config, cert_unique_id: id, err }, 'background collect failed');
    }
    const delayMs = Math.min(this.settings.maxBackoffMs, due.delay_ms ? due.delay_ms * 2 : this.settings.intervalMs);
    await this.lifecycle.records.reschedule(config, id, 'collect', Date.now() + delayMs, { delay_ms: delayMs });
  }
}
