/**
 * Collecting a certificate: the poll loop (SPEC §4.4 step 4) and the rules
 * that turn its outcome into the record's next state.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ScmError } from '../scm/errors.js';
import { CollectedBodyError, certificateMatchesKey, decodeCollected, parseCertificate, type ParsedCertificate } from '../pki/index.js';
import { KEY_MISMATCH_CODE, expectedPrivateKey, withFault, withReplacementPromoted, withState, type CertificateRecord, type ScmFault } from './record.js';
import type { CollectErrorClassifier, ScmOrders } from './scm-orders.js';

/** Collect answered 200 but the body holds no usable certificate. scmpki's own code, like KEY_MISMATCH_CODE. */
export const UNREADABLE_CERTIFICATE_CODE = -90002;

export type CollectOutcome =
  | { kind: 'issued'; body: string }
  | { kind: 'pending'; fault?: ScmFault; reason?: string }
  | { kind: 'failed'; fault: ScmFault };

export interface CollectTiming {
  loopPeriodMs: number;
  /** Stop polling after this long (the first attempt always happens). */
  maxWaitMs: number;
  signal?: AbortSignal;
}

/** One collect, no polling: background passes and checks that must not wait. */
export const ONE_ATTEMPT: CollectTiming = Object.freeze({ loopPeriodMs: 0, maxWaitMs: 0 });

function faultOf(error: unknown): ScmFault {
  if (error instanceof ScmError) return { code: error.code, description: error.description };
  if (error instanceof CollectedBodyError) return { code: UNREADABLE_CERTIFICATE_CODE, description: error.message };
  return { code: UNREADABLE_CERTIFICATE_CODE, description: error instanceof Error ? error.message : String(error) };
}

/**
 * Polls until SCM hands over the certificate, says no, or time runs out.
 * An empty 200 body counts as "not ready" (some SCM front ends send one).
 */
export async function collectUntilIssued(
  attempt: () => Promise<string>,
  classify: CollectErrorClassifier,
  timing: CollectTiming,
): Promise<CollectOutcome> {
  const deadline = Date.now() + timing.maxWaitMs;
  for (;;) {
    let pendingFault: ScmFault | undefined;
    try {
      const body = await attempt();
      if (body.trim() !== '') return { kind: 'issued', body };
    } catch (error) {
      const verdict = error instanceof ScmError ? classify(error) : 'failed';
      if (verdict === 'failed') return { kind: 'failed', fault: faultOf(error) };
      pendingFault = faultOf(error);
    }
    const waitMs = Math.min(timing.loopPeriodMs, deadline - Date.now());
    if (waitMs <= 0 || timing.signal?.aborted) return { kind: 'pending', fault: pendingFault };
    try {
      await sleep(waitMs, undefined, { signal: timing.signal });
    } catch {
      return { kind: 'pending', fault: pendingFault };
    }
  }
}

export function collectAttempt(orders: ScmOrders, record: CertificateRecord): () => Promise<string> {
  return () => orders.collect(record);
}

/** The collect format of a record: SSL as requested; client certificates come as SCM's default PKCS#7. */
function formatOf(record: CertificateRecord): string {
  return record.ssl_format ?? 'base64';
}

/**
 * The record after a collect. `pending` appends TimedoutStateSaved only when
 * the caller asked for a timed loop (`timedOut`); a background attempt that
 * finds SCM still busy changes nothing.
 */
export function recordAfterCollect(
  record: CertificateRecord,
  outcome: CollectOutcome,
  timedOut: boolean,
): CertificateRecord {
  if (outcome.kind === 'pending') {
    const explained = outcome.reason && outcome.reason !== record.pending_reason ? { ...record, pending_reason: outcome.reason } : record;
    return timedOut && record.state.at(-1)?.status !== 'TimedoutStateSaved' ? withState(explained, 'TimedoutStateSaved') : explained;
  }
  if (outcome.kind === 'failed') {
    // Each read of a failed record collects again; the same answer again is not news.
    const last = record.state.at(-1);
    if (last?.status === 'ErrorCode' && last.code === outcome.fault.code && last.description === outcome.fault.description) return record;
    return withFault(record, outcome.fault);
  }
  let leaf: string | null;
  let chain: string[];
  try {
    ({ leaf, chain } = decodeCollected(outcome.body, formatOf(record)));
  } catch (error) {
    const fault = faultOf(error);
    return withFault(record, fault);
  }
  if (!leaf) {
    const fault = { code: UNREADABLE_CERTIFICATE_CODE, description: `SCM's ${formatOf(record)} body holds only CA certificates` };
    return withFault(record, fault);
  }
  // The plugin family's worst failure was handing out a certificate with a
  // key it does not belong to (Venafi #97); check before anyone can read it.
  const expectedKey = expectedPrivateKey(record);
  if (expectedKey && !certificateMatchesKey(leaf, expectedKey)) {
    const fault = { code: KEY_MISMATCH_CODE, description: 'the certificate SCM returned does not match the stored private key' };
    return withFault(record, fault);
  }
  const parsed = parseCertificate(leaf);
  const { pending_reason: _settled, ...rest } = withReplacementPromoted(record);
  return {
    ...withState(rest, 'Issued'),
    domain: domainAfterIssue(record, parsed),
    certificate: outcome.body,
    leaf_certificate: parsed.pem,
    ca_chain: chain,
    serial_number: parsed.serialNumber,
    not_before: parsed.notBefore,
    not_after: parsed.notAfter,
    last_error: null,
  };
}

/**
 * A replace may ask SCM for a new common name: once its certificate is
 * issued, the record (and so its LIST summary) names what the certificate
 * names. Client records keep the holder's e-mail, which a replace cannot change.
 */
function domainAfterIssue(record: CertificateRecord, leaf: ParsedCertificate): string {
  if (!record.pending_replacement || record.certificate_type !== 'ssl_cert') return record.domain;
  return leaf.commonName ?? leaf.subjectAltNames[0] ?? record.domain;
}
