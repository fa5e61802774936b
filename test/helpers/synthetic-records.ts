/**
 * A large estate without ordering it at SCM: copies of one real record under
 * new ids, written through the RecordStore (sealed, indexed) as the server
 * writes them. Used by the index and worker tests and by the estate benchmark.
 */
import type { RecordStore } from '../../src/lifecycle/record-store.js';
import { certUniqueId, unissuedOrderFields, withState, type CertificateRecord } from '../../src/lifecycle/record.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** SCM ids far above the simulator's, so no copy names a real order. */
export const SYNTHETIC_BASE_ID = 700_000_000;

export interface SyntheticOptions {
  /** Issued (a copy of the template's certificate) or Applied (an order SCM still owes). */
  status: 'Issued' | 'Applied';
  /** Days from now to each copy's not_after (Issued only); default 300. */
  daysLeft?: (index: number) => number;
  autoRenew?: boolean;
  /** First index; ids are SYNTHETIC_BASE_ID + index. */
  from?: number;
}

export function syntheticRecord(template: CertificateRecord, index: number, options: SyntheticOptions): CertificateRecord {
  const scmId = SYNTHETIC_BASE_ID + index;
  const uri = template.cert_unique_id.slice(template.cert_unique_id.indexOf('_') + 1);
  const base: CertificateRecord = {
    ...template,
    cert_unique_id: certUniqueId(scmId, uri),
    ...(template.certificate_type === 'ssl_cert' ? { ssl_id: scmId } : { order_number: scmId, backend_cert_id: String(scmId) }),
    domain: `host-${index}.example.com`,
    auto_renew: options.autoRenew ?? false,
    renewed_from: null,
    pending_renewal: undefined,
    pending_replacement: undefined,
  };
  if (options.status === 'Applied') return withState({ ...base, ...unissuedOrderFields() }, 'Applied');
  const now = Date.now();
  const notAfter = now + (options.daysLeft?.(index) ?? 300) * DAY_MS;
  return {
    ...withState({ ...base, state: [] }, 'Issued'),
    // A one-year certificate that far into its life, as the estate would hold.
    not_before: new Date(notAfter - 365 * DAY_MS).toISOString(),
    not_after: new Date(notAfter).toISOString(),
    last_synced_at: new Date(now).toISOString(),
  };
}

/** Writes `count` copies in batches; returns their ids in id order. */
export async function writeSyntheticRecords(
  records: RecordStore,
  template: CertificateRecord,
  count: number,
  options: SyntheticOptions,
  batchSize = 500,
): Promise<string[]> {
  const ids: string[] = [];
  const from = options.from ?? 0;
  for (let start = 0; start < count; start += batchSize) {
    const batch = Array.from({ length: Math.min(batchSize, count - start) }, (_, i) => syntheticRecord(template, from + start + i, options));
    await records.save(batch);
    ids.push(...batch.map((record) => record.cert_unique_id));
  }
  return ids.sort();
}
