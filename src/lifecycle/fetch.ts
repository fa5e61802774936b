/**
 * Fetch (SPEC §4.6, plugin §1.4): import a certificate that SCM holds but
 * storage does not. An id already stored is read exactly as `certs/` reads it.
 * Nothing is stored unless SCM knows the id and, when the caller sends
 * `sectigo_private_key`, the certificate belongs to that key.
 */
import { UpstreamError, UserError } from '../errors.js';
import { certificateMatchesKey, parseCertificate, readPrivateKey } from '../pki/index.js';
import { inRequestTerms } from './request-field-names.js';
import { ONE_ATTEMPT, collectAttempt, collectUntilIssued, recordAfterCollect } from './collect-loop.js';
import { ENROLL_DEFAULTS, SCM_INT_MAX } from './enroll-request.js';
import { collectForRequest } from './collect-record.js';
import type { ConfigEntry } from './config-store.js';
import { readWithAutoRenew, type ReadOptions } from './read-with-auto-renew.js';
import type { RenewDeps } from './renew.js';
import { refusalsAsUserErrors } from './scm-refusal.js';
import { KEY_MISMATCH_CODE, currentStatus, unissuedOrderFields, withState, type CertificateRecord } from './record.js';
import type { LifecycleResult } from './services.js';
import type { ScmOrders } from './scm-orders.js';

export interface FetchOptions extends ReadOptions {
  sectigo_private_key?: string;
  /** SSL collect format (default: the config's, else x509). */
  sectigo_ssl_cert_format_type?: string;
}

/** `44166_murray` → 44166 and "murray"; the customer URI may itself contain underscores. */
export function parseCertUniqueId(id: string): { scmId: number; customerUri: string } {
  const match = /^(\d{1,10})_(.+)$/.exec(id);
  if (!match || Number(match[1]) > SCM_INT_MAX) throw new UserError(`id: "${id}" is not <ssl_id or order_number>_<sectigo_cm_uri>, e.g. 44166_murray`);
  return { scmId: Number(match[1]), customerUri: match[2] };
}

/** An id already stored is read as `certs/` reads it, so fetch may renew too. */
export async function fetchCertificate(deps: RenewDeps, config: string, id: string, options: FetchOptions = {}): Promise<LifecycleResult> {
  // Checked before anything else, stored id or not: a key that is not a key is the caller's mistake either way.
  const callerKey = options.sectigo_private_key;
  if (callerKey) inRequestTerms(() => readPrivateKey(callerKey));
  const stored = await deps.records.get(config, id);
  if (stored) return readStored(deps, stored, options);
  return deps.locks.flight(`fetch:${config}/${id}`, async () => {
    const raced = await deps.records.get(config, id);
    if (raced) return readStored(deps, raced, options);
    return importFromScm(deps, await deps.configs.require(config), id, options);
  });
}

/**
 * A stored id is read as `certs/` reads it. The record keeps its own key: a
 * `sectigo_private_key` sent with it must be the key of the stored
 * certificate, and the answer says it was not stored.
 */
async function readStored(deps: RenewDeps, record: CertificateRecord, options: FetchOptions): Promise<LifecycleResult> {
  const callerKey = options.sectigo_private_key;
  if (callerKey && record.imported && !record.private_key) return attachKey(deps, record, callerKey);
  const warnings: string[] = [];
  if (callerKey) {
    if (record.leaf_certificate && !inRequestTerms(() => certificateMatchesKey(record.leaf_certificate!, callerKey, { certificate: 'stored certificate' }))) {
      throw new UserError(`sectigo_private_key: does not match the certificate stored as ${record.cert_unique_id}`);
    }
    if (record.private_key !== callerKey) warnings.push(`sectigo_private_key: not stored; ${record.cert_unique_id} is already stored and keeps its record`);
  }
  const result = await readWithAutoRenew(deps, record.config_name, record.cert_unique_id, options);
  return warnings.length === 0 ? result : { ...result, warnings: [...warnings, ...result.warnings] };
}

/**
 * An imported record (import.ts) holds SCM's facts but neither key nor
 * certificate. The caller's key is stored with SCM's certificate only if it
 * is that certificate's key; otherwise nothing changes.
 */
async function attachKey(deps: RenewDeps, record: CertificateRecord, privateKey: string): Promise<LifecycleResult> {
  const { config_name: config, cert_unique_id: id } = record;
  const orders = deps.scm.ordersFor(await deps.configs.require(config));
  const candidate = { ...record, private_key: privateKey };
  const outcome = await collectUntilIssued(collectAttempt(orders, candidate), deps.scm.classifyCollectError, ONE_ATTEMPT);
  if (outcome.kind !== 'issued') {
    const why = outcome.fault ? `SCM error ${outcome.fault.code}: ${outcome.fault.description}` : 'SCM has no certificate to hand over';
    throw new UserError(`sectigo_private_key: not attached to ${id}; ${why}`);
  }
  const collected = recordAfterCollect(candidate, outcome, false);
  if (collected.last_error?.code === KEY_MISMATCH_CODE) {
    throw new UserError(`sectigo_private_key: does not match the certificate SCM holds for ${id}`);
  }
  if (currentStatus(collected) !== 'Issued') throw new UpstreamError(`SCM's certificate for ${id} could not be used: ${collected.last_error?.description}`);
  const { subject_alt_names: _fromList, ...attached } = collected;
  const stored = await deps.records.update(config, id, () => ({ records: [attached] }));
  deps.logger.info({ config, cert_unique_id: id }, 'key attached to an imported certificate');
  return { record: stored, warnings: [`sectigo_private_key: attached to the imported certificate ${id} after checking it is the certificate's key`] };
}

async function importFromScm(deps: RenewDeps, settings: ConfigEntry, id: string, options: FetchOptions): Promise<LifecycleResult> {
  const config = settings.name;
  const { scmId, customerUri } = parseCertUniqueId(id);
  if (customerUri !== settings.sectigo_cm_uri) {
    throw new UserError(`id: customer URI "${customerUri}" does not match config ${config}'s sectigo_cm_uri "${settings.sectigo_cm_uri}"`);
  }
  const orders = deps.scm.ordersFor(settings);
  const base = await baseRecord(orders, config, id, scmId, settings, options);

  // One attempt before anything is stored: an id SCM refuses leaves no trace.
  const first = await collectUntilIssued(collectAttempt(orders, base), deps.scm.classifyCollectError, ONE_ATTEMPT);
  if (first.kind === 'failed') throw new UserError(`SCM error ${first.fault.code}: ${first.fault.description}`);
  if (first.kind === 'pending') {
    await deps.records.save([withState(base, 'Applied')]);
    const collected = await collectForRequest(deps, settings, id, options);
    const record = collected.record.domain || !collected.record.leaf_certificate
      ? collected.record
      : await deps.records.update(config, id, (current) => ({ records: [withDomainFromLeaf(current)] }));
    return { record, warnings: [`imported ${id} from SCM`, ...collected.warnings] };
  }
  const record = recordAfterCollect(base, first, true);
  if (currentStatus(record) !== 'Issued') {
    if (record.last_error?.code === KEY_MISMATCH_CODE) {
      throw new UserError(`sectigo_private_key: does not match the certificate SCM holds for ${id}`);
    }
    throw new UpstreamError(`SCM's certificate for ${id} could not be used: ${record.last_error?.description}`);
  }
  const imported = withDomainFromLeaf(record);
  await deps.records.save([imported]);
  deps.logger.info({ config, cert_unique_id: id }, 'certificate imported from SCM');
  return { record: imported, warnings: [`imported ${id} from SCM`] };
}

/** Client certificates name their holder only in the certificate; enroll records use the e-mail. */
function withDomainFromLeaf(record: CertificateRecord): CertificateRecord {
  if (record.domain || !record.leaf_certificate) return record;
  const leaf = parseCertificate(record.leaf_certificate);
  return { ...record, domain: leaf.subjectAltNames[0] ?? leaf.commonName ?? '' };
}

async function baseRecord(
  orders: ScmOrders,
  config: string,
  id: string,
  scmId: number,
  settings: ConfigEntry,
  options: FetchOptions,
): Promise<CertificateRecord> {
  const type = settings.sectigo_config_type;
  const common = {
    cert_unique_id: id,
    config_name: config,
    certificate_type: type,
    csr: '',
    private_key: options.sectigo_private_key ?? '',
    ...unissuedOrderFields(),
    auto_renew: options.sectigo_auto_renew ?? Boolean(settings.enroll_defaults?.sectigo_auto_renew ?? ENROLL_DEFAULTS.sectigo_auto_renew),
    expiry_window: options.sectigo_expiry_window ?? Number(settings.enroll_defaults?.sectigo_expiry_window ?? ENROLL_DEFAULTS.sectigo_expiry_window),
    renewed_from: null,
  };
  if (type === 'client_cert') {
    // SCM has no S/MIME lookup by order number; the collect itself says whether it exists.
    return { ...common, order_number: scmId, backend_cert_id: String(scmId), renew_id: String(scmId), domain: '' };
  }
  const details = await refusalsAsUserErrors(() => orders.sslDetails(scmId));
  const format = options.sectigo_ssl_cert_format_type ?? settings.enroll_defaults?.sectigo_ssl_cert_format_type ?? ENROLL_DEFAULTS.sectigo_ssl_cert_format_type;
  return {
    ...common,
    ssl_id: scmId,
    ...(details.backendCertId && { backend_cert_id: details.backendCertId }),
    // SCM's details document no renewId; one an SCM does send is kept.
    renew_id: typeof details.renewId === 'string' ? details.renewId : null,
    ssl_format: String(format),
    domain: details.commonName ?? '',
  };
}
