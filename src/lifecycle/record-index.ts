/**
 * What the indexes say about a record, derived from the record alone so that
 * RecordStore can write them in the same batch as the record:
 *
 * - its summary for LIST's `key_info` and the expiry report, read without
 *   decrypting the record: domain, status, SANs, auto-renew, whether a
 *   renewal is in flight, its successor, whether it was imported, the last
 *   SCM error and not_after. Nothing secret: no key, no certificate;
 * - when background work on it is due: `collect` (SCM still owes the
 *   certificate), `renew` (auto-renew window reached, or a renewal whose
 *   answer was lost), `sync` (when it was last compared with SCM; the renewer
 *   asks about those older than its sync interval).
 *
 * The background workers read these instead of scanning every record, so an
 * idle server with a large estate does nothing between due times.
 */
import type { DueKind } from '../storage/layout.js';
import { parseCertificate } from '../pki/index.js';
import { currentStatus, daysUntil, effectiveWindowDays, isAwaitingIssue, type CertificateRecord, type ScmFault } from './record.js';

/**
 * Stored with `not_after` as the last key: LIST copies the stored text into
 * its answer and finds the date at the end of it (listingEntry).
 */
export interface RecordSummary {
  domain: string;
  status: string;
  /** The certificate's SANs (SCM's list for a record without one). */
  sans: readonly string[];
  auto_renew: boolean;
  /** A renewal was sent to SCM and its new record is not stored yet (pending_renewal). */
  renewing: boolean;
  renewed_to: string | null;
  /** Created by import from SCM's list, not ordered through scmpki. */
  imported: boolean;
  last_error: ScmFault | null;
  /** Colon hex, as SCM lists it: import compares it with SCM's list. */
  serial: string;
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

/**
 * A serial as the serial index keys it: lower-case hex without separators or
 * leading zero bytes, whether written `0A:1B`, `0a-1b` or `0a1b`; undefined
 * when the text is not a serial.
 */
export function serialHex(serial: string): string | undefined {
  const hex = serial.trim().replace(/[:-]/g, '').toLowerCase();
  if (!/^[0-9a-f]{1,128}$/.test(hex)) return undefined;
  const even = hex.length % 2 === 0 ? hex : `0${hex}`;
  return even.replace(/^(00)+(?=..)/, '');
}

/** Two serials in any of the spellings serialHex reads are the same number; two missing ones count as the same. */
export function sameSerial(a: string | undefined, b: string | undefined): boolean {
  return (serialHex(a ?? '') ?? '') === (serialHex(b ?? '') ?? '');
}

/** Where the serial index finds this record: `{config, id}` under its serial. */
export interface SerialEntry {
  config: string;
  id: string;
}

export function summaryOf(record: CertificateRecord): RecordSummary {
  return {
    domain: record.domain,
    status: currentStatus(record) ?? '',
    sans: record.leaf_certificate ? parseCertificate(record.leaf_certificate).subjectAltNames : (record.subject_alt_names ?? []),
    auto_renew: record.auto_renew,
    renewing: record.pending_renewal !== undefined,
    renewed_to: record.renewed_to,
    imported: record.imported === true,
    last_error: record.last_error,
    serial: record.serial_number,
    not_after: record.not_after,
  };
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
