/**
 * Reading a certificate (SPEC §4.5): follow renewals to the newest record,
 * collect it if SCM still owes it, and renew it when auto-renew is on and it
 * is inside its expiry window. The read's own parameters may switch
 * auto-renew on or off and change the window, as the plugin's reads do.
 */
import { daysLeft, isDueForRenewal, shouldCollectOnRead } from './record.js';
import { renewCertificate } from './renew.js';
import type { CertificateLifecycle, CollectRequest, LifecycleResult } from './lifecycle.js';

export interface ReadOptions extends CollectRequest {
  sectigo_auto_renew?: boolean;
  sectigo_expiry_window?: number;
}

export async function readCertificate(
  lifecycle: CertificateLifecycle,
  config: string,
  id: string,
  options: ReadOptions = {},
): Promise<LifecycleResult> {
  const { record: newest, hops } = await lifecycle.records.newest(config, id);
  const warnings: string[] = [];
  if (hops > 0) warnings.push(`certificate ${id} was renewed; returning the newest certificate of its chain, ${newest.cert_unique_id}`);

  let record = newest;
  if (shouldCollectOnRead(record)) {
    record = await lifecycle.collect(config, record.cert_unique_id, lifecycle.timing(options));
    warnings.push(...lifecycle.pendingWarnings(record, options));
  }

  const policy = {
    autoRenew: options.sectigo_auto_renew ?? record.auto_renew,
    expiryWindowDays: options.sectigo_expiry_window ?? record.expiry_window,
  };
  if (isDueForRenewal(record, policy)) {
    const renewed = await renewCertificate(lifecycle, config, record.cert_unique_id, options);
    return { record: renewed.record, warnings: [...warnings, ...renewed.warnings] };
  }
  const left = daysLeft(record);
  if (!policy.autoRenew && isDueForRenewal(record, { ...policy, autoRenew: true }) && left !== undefined) {
    warnings.push(
      left < 0
        ? 'the certificate has expired; sectigo_auto_renew is false so it was not renewed'
        : `the certificate expires in ${left} days; sectigo_auto_renew is false so it was not renewed`,
    );
  }
  return { record, warnings };
}
