/**
 * The background renewer (SPEC §4.5): renews auto-renew certificates inside
 * their expiry window even when nobody reads them. It shares the per-record
 * renew flight with reads, so a read and the renewer never renew twice. It
 * does not wait for issuance; the collector finishes the new record.
 *
 * It also finishes renewals whose SCM answer was lost (`pending_renewal`,
 * renew.ts), so a crash mid-renewal is resolved without anyone reading.
 *
 * Before deciding, it syncs a record with SCM once per `syncIntervalMs`: a
 * certificate SCM re-issued with a short life (or revoked) out of band is
 * then judged on what SCM holds, in the same pass.
 */
import { BackgroundWorker, type WorkerSettings } from './background-worker.js';
import { isDueForRenewal, type CertificateRecord } from '../record.js';
import { renewCertificate } from '../renew.js';
import { isDueForSync, syncIssued } from '../sync.js';
import type { LifecycleServices } from '../services.js';

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
  private readonly failedUntil = new Map<string, number>();

  constructor(lifecycle: LifecycleServices, settings: RenewerSettings) {
    super(lifecycle, settings, 'background renewer');
  }

  protected async pass(): Promise<void> {
    for await (const stored of this.lifecycle.records.scan()) {
      const record = await this.synced(stored);
      const policy = { autoRenew: record.auto_renew, expiryWindowDays: record.expiry_window };
      // A renewal whose SCM answer was lost is finished whether or not the record is due.
      if (!isDueForRenewal(record, policy) && !record.pending_renewal) continue;
      const key = `${record.config_name}/${record.cert_unique_id}`;
      if ((this.failedUntil.get(key) ?? 0) > Date.now()) continue;
      try {
        const { record: renewed } = await renewCertificate(this.lifecycle, record.config_name, record.cert_unique_id, {
          sectigo_max_timeout: 0,
        });
        this.failedUntil.delete(key);
        this.lifecycle.logger.info({ config: record.config_name, cert_unique_id: record.cert_unique_id, renewed_to: renewed.cert_unique_id }, 'background renewal');
      } catch (err) {
        this.failedUntil.set(key, Date.now() + this.settings.retryAfterMs);
        this.lifecycle.logger.warn({ config: record.config_name, cert_unique_id: record.cert_unique_id, err }, 'background renewal failed');
      }
    }
  }

  /** The record as SCM has it now, when a sync is due; the stored one when SCM cannot say. */
  private async synced(record: CertificateRecord): Promise<CertificateRecord> {
    if (!isDueForSync(record, this.settings.syncIntervalMs)) return record;
    try {
      return (await syncIssued(this.lifecycle, await this.lifecycle.configs.require(record.config_name), record)).record;
    } catch (err) {
      // No stamp was written, so the next pass asks again.
      this.lifecycle.logger.warn({ config: record.config_name, cert_unique_id: record.cert_unique_id, err }, 'background sync failed');
      return record;
    }
  }
}
