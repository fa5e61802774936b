/**
 * Renewal (SPEC §4.5, §4.6): SCM renews by id (SSL `renewById`, client
 * `renew/order`), we store a new record linked both ways to the old one and
 * collect it. One renewal per record at a time, whoever asks (reads, the
 * background renewer, the renew path): they all share the same flight.
 */
import { UserError } from '../framework/errors.js';
import { freshKeyForCsr } from './key-material.js';
import { certUniqueId, unissuedOrderFields, withState, type CertificateRecord } from './record.js';
import type { CertificateLifecycle, CollectRequest, LifecycleResult } from './lifecycle.js';

export interface RenewOptions extends CollectRequest {
  /** Send a fresh CSR with a new key of the same kind (SSL only). */
  newKey?: boolean;
}

export function renewFlightKey(config: string, id: string): string {
  return `renew:${config}/${id}`;
}

export async function renewCertificate(
  lifecycle: CertificateLifecycle,
  config: string,
  id: string,
  options: RenewOptions = {},
): Promise<LifecycleResult> {
  const result = await lifecycle.flights.run(renewFlightKey(config, id), () => renewOnce(lifecycle, config, id, options));
  return { record: result.record, warnings: [...result.warnings, ...lifecycle.pendingWarnings(result.record, options)] };
}

async function renewOnce(
  lifecycle: CertificateLifecycle,
  config: string,
  id: string,
  options: RenewOptions,
): Promise<LifecycleResult> {
  const old = await lifecycle.records.require(config, id);
  // A caller that arrives just after another renewal finished must not renew again.
  if (old.renewed_to) {
    const { record } = await lifecycle.records.newest(config, id);
    return { record, warnings: [`certificate ${id} was already renewed as ${record.cert_unique_id}`] };
  }
  const type = old.certificate_type;
  if (options.newKey && type === 'client_cert') {
    throw new UserError('sectigo_renew_new_key: SCM renews client certificates with their original request; use replace for a new key');
  }
  const { sectigo_cm_uri: uri } = await lifecycle.deps.loadConfig(config);
  const orders = await lifecycle.deps.ordersFor(config);
  const fresh = options.newKey ? await freshKeyForCsr(old.csr) : undefined;
  const placed = await orders.renew(old, fresh?.csr);

  const newId = certUniqueId(placed.scmId, uri);
  const renewed: CertificateRecord = withState(
    {
      ...old,
      cert_unique_id: newId,
      ...(type === 'ssl_cert' ? { ssl_id: placed.scmId } : { order_number: placed.scmId }),
      renew_id: placed.renewId,
      backend_cert_id: placed.backendCertId,
      csr: fresh?.csr ?? old.csr,
      private_key: fresh?.privateKey ?? old.private_key,
      ...unissuedOrderFields(),
      renewed_from: id,
      // SCM renews the old order's key, never a replace the old record left unfinished.
      pending_replacement: undefined,
    },
    'Applied',
  );
  await lifecycle.records.update(config, id, (current) => ({
    records: [withState({ ...current, renewed_to: newId }, 'Renewed'), renewed],
  }));
  lifecycle.deps.logger.info({ config, cert_unique_id: id, renewed_to: newId }, 'certificate renewed at SCM');

  const collected = await lifecycle.collect(config, newId, lifecycle.timing(options));
  return { record: collected, warnings: [`certificate ${id} was renewed; the new certificate is ${newId}`] };
}
