/**
 * The write-ahead SCM call of a replace or renewal: the key it sends is stored
 * on the record first (`pending_replacement`, `pending_renewal`), so an order
 * SCM accepts always has its key here. What SCM answers then decides what
 * happens to that key: a refusal means nothing changed at SCM, so it is
 * dropped; no answer means SCM may have acted, so it is kept for the retry.
 */
import { ScmError } from '../scm/errors.js';
import { scmRefusal } from './scm-refusal.js';
import type { Deps } from './services.js';
import type { CertificateRecord, PendingKey } from './record.js';

export type PendingKeyField = 'pending_replacement' | 'pending_renewal';

export async function callScmWithPendingKey<T>(
  deps: Deps<'records' | 'logger'>,
  record: CertificateRecord,
  field: PendingKeyField,
  pending: PendingKey,
  call: () => Promise<T>,
): Promise<T> {
  const { config_name: config, cert_unique_id: id } = record;
  await deps.records.update(config, id, (current) => ({ records: [{ ...current, [field]: pending }] }));
  try {
    return await call();
  } catch (error) {
    const refusal = scmRefusal(error);
    if (!refusal) {
      deps.logger.warn(
        { config, cert_unique_id: id, err: error instanceof ScmError ? error.message : error },
        `SCM's answer is unknown; the new key is kept as ${field} for the retry`,
      );
      throw error;
    }
    await deps.records.update(config, id, (current) => {
      // A later attempt stored its own key meanwhile: that one is not ours to drop.
      if (current[field]?.requested_at !== pending.requested_at) return undefined;
      const { [field]: _dropped, ...rest } = current;
      return { records: [rest as CertificateRecord] };
    });
    throw refusal;
  }
}
