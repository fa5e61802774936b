/**
 * The stored certificate record (SPEC §4.3) and the rules that read its state.
 * The field names are the Sectigo plugin's, so a record read through scmpki
 * looks like one read through the plugin, plus the fields the plugin lacked
 * (chain, validity dates, renew links, last error).
 */

import type { PlacedOrder } from './placed-order.js';

export type CertificateType = 'ssl_cert' | 'client_cert';

export type KnownStatus =
  | 'Applied'
  | 'Issued'
  | 'TimedoutStateSaved'
  | 'ErrorCode'
  | 'Revoked'
  | 'Replaced'
  | 'Renewed';

/**
 * One history entry. `status` stays a plain string: records written by other
 * versions may carry states we do not know, and those must survive a rewrite.
 */
export interface StateEntry {
  status: KnownStatus | (string & {});
  /** RFC 3339, UTC. */
  time_stamp: string;
  code?: number;
  description?: string;
}

export interface ScmFault {
  code: number;
  description: string;
}

/**
 * The key and CSR of a replace or renewal in progress, stored before SCM is
 * asked so a crash or a lost answer after SCM accepted loses nothing. The
 * record's own key and certificate stay the old, matching pair meanwhile: a
 * replacement's become the record's once its certificate is collected
 * (withReplacementPromoted); a renewal's go into the new record.
 */
export interface PendingKey {
  csr: string;
  /** Empty when the caller sent only a CSR. */
  private_key: string;
  /** RFC 3339 UTC. */
  requested_at: string;
}

export interface CertificateRecord {
  cert_unique_id: string;
  config_name: string;
  certificate_type: CertificateType;
  /** SSL only. */
  ssl_id?: number;
  /** Client (S/MIME) only. */
  order_number?: number;
  /**
   * What SCM renews the certificate by. SSL: the renewId SCM answers at
   * enroll; a renewal keeps its predecessor's (renewById answers with the new
   * sslId only, and SCM's details never carry one), null for a certificate
   * fetched from SCM that no renewId is known for. Client: the backendCertId,
   * which SCM's `renew/order/{backendCertId}` takes.
   */
  renew_id?: string | null;
  backend_cert_id?: string;
  /** SSL only: the collect format, as the caller spelled it. */
  ssl_format?: string;
  domain: string;
  csr: string;
  /** Empty when the caller supplied only a CSR, or the certificate was fetched without its key. */
  private_key: string;
  /** As SCM returned it, in the requested format; empty until issued. */
  certificate: string;
  leaf_certificate: string;
  /** Issuer first. */
  ca_chain: string[];
  serial_number: string;
  not_before: string;
  not_after: string;
  auto_renew: boolean;
  /** Days. */
  expiry_window: number;
  renewed_from: string | null;
  renewed_to: string | null;
  last_error: ScmFault | null;
  /**
   * Why SCM still owes the certificate, from the order's status at SCM
   * (order-status.ts): "awaiting approval at SCM since 12/02/2026 (SCM status
   * Requested)". Set when a collect ends pending; gone once issued or failed.
   */
  pending_reason?: string;
  pending_replacement?: PendingKey;
  /** Set from just before SCM is asked to renew until the new record is stored (renew.ts). */
  pending_renewal?: PendingKey;
  /**
   * RFC 3339 UTC: when scmpki last asked SCM about this issued certificate
   * (sync). Stored so a restarted server spreads its syncs instead of
   * asking about every record at once; absent until the first sync.
   */
  last_synced_at?: string;
  /**
   * Created by import (import.ts) from SCM's certificate list rather than
   * ordered or fetched through scmpki; absent otherwise.
   */
  imported?: boolean;
  /** SANs as SCM lists them, for an imported record that holds no certificate yet. */
  subject_alt_names?: string[];
  /** Append-only history, oldest first. */
  state: StateEntry[];
}

/**
 * Code recorded when the certificate SCM hands back does not belong to the
 * stored key. It is scmpki's own (SCM's codes are all > -10000), so nobody
 * mistakes it for an SCM answer.
 */
export const KEY_MISMATCH_CODE = -90001;

/** The renew_id of a record for an order SCM placed (see CertificateRecord.renew_id). */
export function renewIdOf(type: CertificateType, placed: PlacedOrder, predecessor?: Pick<CertificateRecord, 'renew_id'>): string | null {
  if (type === 'client_cert') return placed.backendCertId ?? String(placed.scmId);
  return placed.renewId ?? predecessor?.renew_id ?? null;
}

export function certUniqueId(scmId: number, customerUri: string): string {
  return `${scmId}_${customerUri}`;
}

/** `44166_murray` → 44166; the customer URI may itself contain underscores. */
export function scmIdOf(certUniqueId: string): number | undefined {
  const match = /^(\d+)_./.exec(certUniqueId);
  return match ? Number(match[1]) : undefined;
}

export function currentStatus(record: CertificateRecord): string | undefined {
  return record.state.at(-1)?.status;
}

/**
 * What a record holds for an order SCM has accepted but not yet issued: no
 * certificate, no error, no successor, and a history its caller starts.
 */
export function unissuedOrderFields(): Pick<
  CertificateRecord,
  | 'certificate' | 'leaf_certificate' | 'ca_chain' | 'serial_number' | 'not_before' | 'not_after'
  | 'renewed_to' | 'last_error' | 'last_synced_at' | 'state'
> {
  return {
    certificate: '',
    leaf_certificate: '',
    ca_chain: [],
    serial_number: '',
    not_before: '',
    not_after: '',
    renewed_to: null,
    last_error: null,
    last_synced_at: undefined,
    state: [],
  };
}

/**
 * A new record with one more history entry; the input is left untouched.
 * `detail` is SCM's code and words for it, or scmpki's own description.
 */
export function withState(
  record: CertificateRecord,
  status: KnownStatus,
  detail?: Pick<StateEntry, 'code' | 'description'>,
  now = new Date(),
): CertificateRecord {
  const entry: StateEntry = { status, time_stamp: now.toISOString() };
  if (detail?.code !== undefined) entry.code = detail.code;
  if (detail?.description !== undefined) entry.description = detail.description;
  return { ...record, state: [...record.state, entry] };
}

/** The record after SCM's (or scmpki's own) error: an ErrorCode entry, and the fault as last_error. */
export function withFault(record: CertificateRecord, fault: ScmFault): CertificateRecord {
  const { pending_reason: _settled, ...rest } = record;
  return { ...withState(rest, 'ErrorCode', fault), last_error: fault };
}

/** The key a collected certificate must match: a pending replacement's, else the record's. */
export function expectedPrivateKey(record: CertificateRecord): string {
  return record.pending_replacement ? record.pending_replacement.private_key : record.private_key;
}

/** Once the replacement certificate is issued, its key and CSR become the record's and the old ones go. */
export function withReplacementPromoted(record: CertificateRecord): CertificateRecord {
  if (!record.pending_replacement) return record;
  const { pending_replacement: replacement, ...rest } = record;
  return { ...rest, private_key: replacement.private_key, csr: replacement.csr };
}

/**
 * States after which SCM still owes us a certificate. `Replaced` is here
 * because a replace re-issues under the same id and is collected next.
 */
const AWAITING_ISSUE = new Set<string>(['Applied', 'TimedoutStateSaved', 'Replaced']);

/** The background collector keeps polling these (not ErrorCode: SCM said no). */
export function isAwaitingIssue(record: CertificateRecord): boolean {
  return AWAITING_ISSUE.has(currentStatus(record) ?? '');
}

/**
 * A read collects again for these. ErrorCode is included on purpose: the
 * plugin's documented remedy for an error (e.g. an approval SCM required) is
 * "fix it at SCM, then read the certificate again".
 */
export function shouldCollectOnRead(record: CertificateRecord): boolean {
  return isAwaitingIssue(record) || currentStatus(record) === 'ErrorCode';
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Whole days until not_after, negative once expired (pycert's `(notAfter - now).days`). */
export function daysLeft(record: CertificateRecord, now = new Date()): number | undefined {
  return daysUntil(record.not_after, now);
}

export function daysUntil(notAfter: string, now = new Date()): number | undefined {
  if (!notAfter) return undefined;
  return Math.floor((Date.parse(notAfter) - now.getTime()) / DAY_MS);
}

export interface RenewPolicy {
  autoRenew: boolean;
  expiryWindowDays: number;
}

/** The certificate's life in days (not_before to not_after); undefined before it is issued. */
export function lifetimeDays(record: CertificateRecord): number | undefined {
  const span = Date.parse(record.not_after) - Date.parse(record.not_before);
  return Number.isNaN(span) ? undefined : span / DAY_MS;
}

/**
 * The window renewal really uses. One at or beyond the certificate's whole
 * life would make a fresh certificate due at once (a burst of reads would
 * renew it again and again), so it is cut to a third of the life, as
 * cert-manager does: renewal at two thirds of the way.
 */
export function effectiveWindowDays(record: CertificateRecord, windowDays: number): number {
  const life = lifetimeDays(record);
  return life !== undefined && windowDays >= life ? life / 3 : windowDays;
}

/** SPEC §4.5: issued, auto-renew on, and expired or within the (effective) window. */
export function isDueForRenewal(record: CertificateRecord, policy: RenewPolicy, now = new Date()): boolean {
  if (!policy.autoRenew || record.renewed_to || currentStatus(record) !== 'Issued') return false;
  const left = daysLeft(record, now);
  if (left === undefined) return false;
  return Date.parse(record.not_after) <= now.getTime() || left <= effectiveWindowDays(record, policy.expiryWindowDays);
}
