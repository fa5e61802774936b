/**
 * The background renewer (SPEC §4.5): renews auto-renew certificates inside
 * their expiry window even when nobody reads them. It shares the per-record
 * renew flight with reads, so a read and the renewer never renew twice. It
 * does not wait for issuance; the collector finishes the new record. Its
 * work comes from the due index (`renew` at the start of each record's
 * window, `sync` by when it was last compared with SCM): a pass reads only
 * the records that are due. A failed renewal is retried `retryAfterMs` later.
 *
 * It also finishes renewals whose SCM answer was lost (`pending_renewal`,
 * renew.ts), so a crash mid-renewal is resolved without anyone reading.
 *
 * Before renewing, it syncs each record with SCM once per `syncIntervalMs`: a
 * certificate SCM re-issued with a short life (or revoked) out of band is
 * then judged on what SCM holds, in the same pass.
 */
import { BackgroundWorker, type WorkerSettings } from './background-worker.js';
import { isDueForRenewal } from '../record.js';
import type { DueRecord } from '../record-store.js';
import { renewCertificate } from '../renew.js';
import { isDueForSync, syncIssued } from '../sync.js';
import type { LifecycleLogger, LifecycleServices } from '../services.js';

export interface RenewerSettings extends WorkerSettings {
  /** After a failed renewal, wait this long before trying that record again. */
  retryAfterMs: number;
  /** Ask SCM about each Issued auto-renew record at most this often; 0 never. */
  syncIntervalMs: number;
}

export const DEFAULT_RENEWER_SETTINGS: RenewerSettings = {
  enabled: true,
  intervalMs: 60 * 60_000,
  retryAfterMs: 60 * 60_000,
  syncIntervalMs: 24 * 60 * 60_000,
};

export class BackgroundRenewer extends BackgroundWorker<RenewerSettings> {
  constructor(lifecycle: LifecycleServices, settings: RenewerSettings, logger?: LifecycleLogger) {
    super(lifecycle, settings, 'renewer', logger);
  }

  protected async pass(): Promise<Record<string, number>> {
    const now = Date.now();
    const done = { synced: 0, renewed: 0 };
    // Syncs first, so a record SCM changed is judged on what SCM holds in this same pass.
    if (this.settings.syncIntervalMs > 0) {
      for await (const due of this.lifecycle.records.due('sync', now - this.settings.syncIntervalMs)) {
        if (this.stopping) return done;
        await this.sync(due);
        done.synced++;
      }
    }
    for await (const due of this.lifecycle.records.due('renew', Date.now())) {
      if (this.stopping) return done;
      await this.renew(due);
      done.renewed++;
    }
    return done;
  }

  /** Failures write no stamp, so the next pass asks again. */
  private async sync({ config, id }: DueRecord): Promise<void> {
    this.logger.trace({ config, cert_unique_id: id }, 'syncing a due record');
    try {
      const record = await this.lifecycle.records.get(config, id);
      if (!record || !isDueForSync(record, this.settings.syncIntervalMs)) return;
      await syncIssued(this.lifecycle, await this.lifecycle.configs.require(config), record);
    } catch (err) {
      this.logger.warn({ config, cert_unique_id: id, err }, 'background sync failed');
    }
  }

  private async renew({ config, id }: DueRecord): Promise<void> {
    this.logger.trace({ config, cert_unique_id: id }, 'renewing a due record');
    try {
      const record = await this.lifecycle.records.get(config, id);
      if (!record) return;
      const policy = { autoRenew: record.auto_renew, expiryWindowDays: record.expiry_window };
      // A renewal whose SCM answer was lost is finished whether or not the record is due.
      if (!isDueForRenewal(record, policy) && !record.pending_renewal) return;
      const { record: renewed } = await renewCertificate(this.lifecycle, config, id, { sectigo_max_timeout: 0 });
      this.logger.info({ config, cert_unique_id: id, renewed_to: renewed.cert_unique_id }, 'background renewal');
    } catch (err) {
      this.logger.warn({ config, cert_unique_id: id, err }, 'background renewal failed');
      await this.lifecycle.records.reschedule(config, id, 'renew', Date.now() + this.settings.retryAfterMs);
    }
  }
}
