/**
 * Replace (SPEC §4.6): SCM re-issues the certificate under the same id for a
 * new CSR. The order of writes is what keeps it safe:
 *   1. the new key and CSR are stored as `pending_replacement` (the record's
 *      key and certificate stay the old, matching pair);
 *   2. SCM is asked to replace;
 *   3. `Replaced` is appended, and the certificate is collected as after an
 *      enroll; when it is issued the new key becomes the record's.
 * A crash or lost answer after 2 leaves the new key stored, and a retried
 * replace reuses it, so whatever SCM issues can still be used.
 */
import { UserError } from '../errors.js';
import { splitSubjectAltNames } from '../pki/index.js';
import { checkAgainstProfile } from './profile-check.js';
import { replacementKey, type ReplacementKeyRequest } from './replacement-key.js';
import { callScmWithPendingKey } from './pending-key.js';
import { withState, type CertificateRecord, type PendingKey } from './record.js';
import type { ConfigEntry } from './config-store.js';
import type { EnrollRequest } from './enroll-request.js';
import { collectForRequest, type CollectRequest } from './collect-record.js';
import type { Deps, LifecycleResult } from './services.js';

/** SCM requires a reason (1..512 characters); the plugin's replace JSON may omit it. */
export const DEFAULT_REPLACE_REASON = 'Replaced through scmpki';

export interface ReplaceOptions extends ReplacementKeyRequest, CollectRequest {
  sectigo_replace_reason?: string;
  /** Profile to check the new key against (the plugin's rule: only when given). */
  sectigo_ssl_cert_type?: number;
  sectigo_client_cert_type?: number;
  /** Client certificates: SCM revokes the old certificate as part of the replace. */
  sectigo_client_cert_revoke_on_replace?: boolean;
}

type ReplaceDeps = Deps<'configs' | 'records' | 'profiles' | 'locks' | 'scm' | 'limits' | 'logger'>;

export async function replaceCertificate(deps: ReplaceDeps, configName: string, id: string, options: ReplaceOptions = {}): Promise<LifecycleResult> {
  const config = await deps.configs.require(configName);
  // Two replaces of one record must not interleave their three writes.
  await deps.locks.exclusive(`replace:${configName}/${id}`, () => requestReplacement(deps, config, id, options));
  return collectForRequest(deps, config, id, options);
}

async function requestReplacement(deps: ReplaceDeps, config: ConfigEntry, id: string, options: ReplaceOptions): Promise<void> {
  const record = await deps.records.require(config.name, id);
  const type = record.certificate_type;
  if (type === 'client_cert' && (options.sectigo_ssl_cert_common_name || options.sectigo_ssl_cert_subject_alt_names)) {
    throw new UserError('sectigo_ssl_cert_common_name, sectigo_ssl_cert_subject_alt_names: only for ssl_cert records');
  }
  const key = await replacementKey(record, options);
  await checkAgainstProfile(deps.profiles, config.name, type, profileRequest(options), key.keySpec);

  const pending: PendingKey = { csr: key.csr, private_key: key.privateKey, requested_at: new Date().toISOString() };
  const orders = deps.scm.ordersFor(config);
  const sans = splitSubjectAltNames(options.sectigo_ssl_cert_subject_alt_names);
  // SCM may replace and the answer still be lost: the new key stays stored for a retry to reuse.
  await callScmWithPendingKey(deps, record, 'pending_replacement', pending, () =>
    orders.replace(record, {
      csr: key.csr,
      reason: options.sectigo_replace_reason?.trim() || DEFAULT_REPLACE_REASON,
      commonName: options.sectigo_ssl_cert_common_name?.trim() || undefined,
      subjectAlternativeNames: sans.length > 0 ? sans : undefined,
      revoke: type === 'client_cert' ? options.sectigo_client_cert_revoke_on_replace : undefined,
    }),
  );
  await deps.records.update(config.name, id, (current) => ({ records: [{ ...withState(current, 'Replaced'), last_error: null }] }));
  deps.logger.info({ config: config.name, cert_unique_id: id }, 'certificate replace requested at SCM');
}

/** checkAgainstProfile reads the profile id from the enroll field names; a replace carries no validity. */
function profileRequest(options: ReplaceOptions): EnrollRequest {
  return { sectigo_ssl_cert_type: options.sectigo_ssl_cert_type, sectigo_client_cert_type: options.sectigo_client_cert_type } as EnrollRequest;
}
