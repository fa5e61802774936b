/**
 * Reading a certificate (SPEC §4.5): follow renewals to the newest record,
 * collect it if SCM still owes it, and renew it when auto-renew is on and it
 * is inside its expiry window. The read's own parameters may switch
 * auto-renew on or off and change the window, as the plugin's reads do.
 */
import { daysLeft, isDueForRenewal, shouldCollectOnRead } from './record.js';
import { renewCertificate, type RenewDeps } from './renew.js';
import { collectForRequest, type CollectRequest } from './collect-record.js';
import type { LifecycleResult } from './services.js';

export interface ReadOptions extends CollectRequest {
  sectigo_auto_renew?: boolean;
  sectigo_expiry_window?: number;
}

/**
 * A read that may buy a certificate: when the newest record is due, SCM is
 * asked to renew it. Callers that only look use `records.require` instead.
 */
export async function readWithAutoRenew(
  deps: RenewDeps,
  config: string,
  id: string,
  options: ReadOptions = {},
): Promise<LifecycleResult> {
  const { record: newest, hops } = await deps.records.newest(config, id);
  const warnings: string[] = [];
  if (hops > 0) warnings.push(`certificate ${id} was renewed; returning the newest certificate of its chain, ${newest.cert_unique_id}`);

  let record = newest;
  if (shouldCollectOnRead(record)) {
    const collected = await collectForRequest(deps, await deps.configs.require(config), record.cert_unique_id, options);
    record = collected.record;
    warnings.push(...collected.warnings);
  }

  const policy = {
    autoRenew: options.sectigo_auto_renew ?? record.auto_renew,
    expiryWindowDays: options.sectigo_expiry_window ?? record.expiry_window,
  };
  if (isDueForRenewal(record, policy)) {
    const renewed = await renewCertificate(deps, config, record.cert_unique_id, options);
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
