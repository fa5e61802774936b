/**
 * The background renewer (SPEC §4.5): renews auto-renew certificates inside
 * their expiry window even when nobody reads them. It shares the per-record
 * renew flight with reads, so a read and the renewer never renew twice. It
 * does not wait for issuance; the collector finishes the new record.
 */
import { BackgroundWorker, type WorkerSettings } from './background-worker.js';
import { isDueForRenewal } from './record.js';
import { renewCertificate } from './renew.js';
import type { CertificateLifecycle } from './lifecycle.js';

export interface RenewerSettings extends WorkerSettings {
  /** After a failed renewal, wait this long before trying that record again. */
  retryAfterMs: number;
}

export const DEFAULT_RENEWER_SETTINGS: RenewerSettings = {
  enabled: true,
  intervalMs: 60 * 60_000,
  retryAfterMs: 60 * 60_000,
};

export class BackgroundRenewer extends BackgroundWorker<RenewerSettings> {
  private readonly failedUntil = new Map<string, number>();

  constructor(lifecycle: CertificateLifecycle, settings: RenewerSettings) {
    super(lifecycle, settings, 'background renewer');
  }

  protected async pass(): Promise<void> {
    for await (const record of this.lifecycle.records.scan()) {
      const policy = { autoRenew: record.auto_renew, expiryWindowDays: record.expiry_window };
      if (!isDueForRenewal(record, policy)) continue;
      const key = `${record.config_name}/${record.cert_unique_id}`;
      if ((this.failedUntil.get(key) ?? 0) > Date.now()) continue;
      try {
        const { record: renewed } = await renewCertificate(this.lifecycle, record.config_name, record.cert_unique_id, {
          sectigo_max_timeout: 0,
        });
        this.failedUntil.delete(key);
        this.lifecycle.deps.logger.info({ config: record.config_name, cert_unique_id: record.cert_unique_id, renewed_to: renewed.cert_unique_id }, 'background renewal');
      } catch (err) {
        this.failedUntil.set(key, Date.now() + this.settings.retryAfterMs);
        this.lifecycle.deps.logger.warn({ config: record.config_name, cert_unique_id: record.cert_unique_id, err }, 'background renewal failed');
      }
    }
  }
}
