/**
 * The certificate estate in numbers, for the metrics scrape: records by state
 * per config, issued certificates near or past expiry, and background work
 * due now. Read from the clear index only (record summaries and due
 * entries), never from the sealed records, so counting 100,000 records is
 * one range read without a decryption.
 */
import type { DueKind } from '../storage/layout.js';
import type { RecordStore } from './record-store.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The horizons `expiring` counts for, in days. */
export const EXPIRY_HORIZONS_DAYS = [7, 30] as const;

export interface EstateCounts {
  /** config → status → records. */
  byState: Map<string, Map<string, number>>;
  /** config → horizon (days) → Issued certificates whose not_after is within it and not yet past. */
  expiring: Map<string, Map<number, number>>;
  /** config → Issued certificates already past their not_after. */
  expired: Map<string, number>;
  /** Records whose collect / renew work is due now. */
  due: Record<Extract<DueKind, 'collect' | 'renew'>, number>;
}

function bump<K>(counts: Map<K, number>, key: K): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function inner<K, V>(outer: Map<string, Map<K, V>>, config: string): Map<K, V> {
  let map = outer.get(config);
  if (!map) outer.set(config, (map = new Map()));
  return map;
}

export async function countEstate(records: RecordStore, now: number): Promise<EstateCounts> {
  const counts: EstateCounts = { byState: new Map(), expiring: new Map(), expired: new Map(), due: { collect: 0, renew: 0 } };
  for await (const { config, summary } of records.allSummaries()) {
    bump(inner(counts.byState, config), summary.status || 'unknown');
    // A renewed certificate's record says Renewed: only Issued ones still need their own renewal.
    if (summary.status !== 'Issued') continue;
    const notAfter = Date.parse(summary.not_after);
    if (Number.isNaN(notAfter)) continue;
    if (notAfter < now) {
      bump(counts.expired, config);
      continue;
    }
    const expiring = inner(counts.expiring, config);
    for (const days of EXPIRY_HORIZONS_DAYS) if (notAfter < now + days * DAY_MS) bump(expiring, days);
  }
  counts.due.collect = await records.countDue('collect', now);
  counts.due.renew = await records.countDue('renew', now);
  return counts;
}
