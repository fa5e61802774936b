/**
 * What the indexes say about a record, derived from the record alone so that
 * RecordStore can write them in the same batch as the record:
 *
 * - its summary (domain, status, not_after) for LIST and `key_info`, read
 *   without decrypting the record;
 * - when background work on it is due: `collect` (SCM still owes the
 *   certificate), `renew` (auto-renew window reached, or a renewal whose
 *   answer was lost), `sync` (when it was last compared with SCM; the renewer
 *   asks about those older than its sync interval).
 *
 * The background workers read these instead of scanning every record, so an
 * idle server with a large estate does nothing between due times.
 */
import type { DueKind } from '../storage/layout.js';
import { currentStatus, daysUntil, effectiveWindowDays, isAwaitingIssue, type CertificateRecord } from './record.js';

/** Stored with these three keys in this order: LIST copies the stored text into its answer (listingEntry). */
export interface RecordSummary {
  domain: string;
  status: string;
  not_after: string;
}

export interface DueEntry {
  kind: DueKind;
  atMs: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The first instant isDueForRenewal holds: `daysLeft` (whole days, rounded
 * down) reaches the window.
 */
export function renewalDueAt(record: CertificateRecord): number | undefined {
  const notAfter = Date.parse(record.not_after);
  if (Number.isNaN(notAfter)) return undefined;
  const window = effectiveWindowDays(record, record.expiry_window);
  // `daysLeft <= window` with whole days left: true from `floor(window) + 1` days before expiry.
  return notAfter - (Math.floor(window) + 1) * DAY_MS + 1;
}

/** When the record was last compared with SCM (or issued, if never). */
export function syncAnchor(record: CertificateRecord): number {
  const at = Date.parse(record.last_synced_at ?? record.state.at(-1)?.time_stamp ?? '');
  return Number.isNaN(at) ? 0 : at;
}

/** The background work a record as stored now calls for. `now` is when it was written. */
export function dueEntriesOf(record: CertificateRecord, now: number): DueEntry[] {
  const entries: DueEntry[] = [];
  if (isAwaitingIssue(record)) entries.push({ kind: 'collect', atMs: now });
  const live = record.auto_renew && !record.renewed_to && currentStatus(record) === 'Issued';
  if (record.pending_renewal) {
    entries.push({ kind: 'renew', atMs: now });
  } else if (live) {
    const at = renewalDueAt(record);
    if (at !== undefined) entries.push({ kind: 'renew', atMs: at });
  }
  if (live) entries.push({ kind: 'sync', atMs: syncAnchor(record) });
  return entries;
}

export function summaryOf(record: CertificateRecord): RecordSummary {
  return { domain: record.domain, status: currentStatus(record) ?? '', not_after: record.not_after };
}

const NOT_AFTER = '"not_after":"';

/**
 * A LIST `key_info` entry from a stored summary's JSON text: the text as it
 * is, plus `days_left` worked out now. Copying instead of parsing and
 * serialising again is what keeps a 100,000-id listing well under a second.
 */
export function listingEntry(summaryJson: string, now: Date): string {
  const at = summaryJson.lastIndexOf(NOT_AFTER);
  const notAfter = at === -1 ? '' : summaryJson.slice(at + NOT_AFTER.length, summaryJson.lastIndexOf('"'));
  return `${summaryJson.slice(0, -1)},"days_left":${daysUntil(notAfter, now) ?? null}}`;
}
