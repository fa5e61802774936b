/**
 * Collecting one stored record and saying what a caller should know about a
 * record that is not issued yet. Shared by every operation that ends with a
 * collect (enroll, read, renew, replace, fetch, sync) and by the background
 * collector.
 */
import { ONE_ATTEMPT, collectAttempt, collectUntilIssued, recordAfterCollect, type CollectOutcome, type CollectTiming } from './collect-loop.js';
import { verdictOf } from './order-status.js';
import type { CollectErrorClassifier, ScmOrders } from './scm-orders.js';
import type { ConfigEntry } from './config-store.js';
import { currentStatus, isAwaitingIssue, shouldCollectOnRead, type CertificateRecord } from './record.js';
import type { Deps, LifecycleLimits } from './services.js';

/** Per-request collect settings (plugin fields, seconds). */
export interface CollectRequest {
  sectigo_max_timeout?: number;
  sectigo_loop_period?: number;
  signal?: AbortSignal;
}

export const DEFAULT_MAX_TIMEOUT_S = 60;
export const DEFAULT_LOOP_PERIOD_S = 5;

/**
 * The collect budget of one HTTP request: the caller's sectigo_max_timeout,
 * but always answering a little before the server's own deadline would cut
 * the request off (the plugin's users hit exactly that, SPEC §4.4).
 */
export function collectTiming(limits: LifecycleLimits, req: CollectRequest): CollectTiming & { cappedByServer: boolean } {
  const requestedMs = (req.sectigo_max_timeout ?? DEFAULT_MAX_TIMEOUT_S) * 1000;
  const serverMs = limits.maxRequestDurationMs;
  const budgetMs = Math.max(0, serverMs - Math.min(2_000, serverMs * 0.1));
  return {
    loopPeriodMs: (req.sectigo_loop_period ?? DEFAULT_LOOP_PERIOD_S) * 1000,
    maxWaitMs: Math.min(requestedMs, budgetMs),
    cappedByServer: budgetMs < requestedMs,
    signal: req.signal,
  };
}

/**
 * Collects a pending record and stores what happened. Concurrent callers
 * share one poll loop; `foreground` marks the caller as a request whose
 * giving up is recorded as TimedoutStateSaved.
 */
export function collectRecord(
  deps: Deps<'records' | 'locks' | 'scm'>,
  config: ConfigEntry,
  id: string,
  timing: CollectTiming,
  foreground = true,
): Promise<CertificateRecord> {
  return deps.locks.flight(`collect:${config.name}/${id}`, async () => {
    const start = await deps.records.require(config.name, id);
    if (!shouldCollectOnRead(start)) return start;
    const orders = deps.scm.ordersFor(config);
    const collected = await collectUntilIssued(collectAttempt(orders, start), deps.scm.classifyCollectError, timing);
    const outcome =
      collected.kind === 'pending' && !timing.signal?.aborted ? await explainPending(orders, deps.scm.classifyCollectError, start, collected) : collected;
    return deps.records.update(config.name, id, (current) => {
      // Someone else (revoke, a replace) moved the record on meanwhile: theirs wins.
      if (current.state.length !== start.state.length) return undefined;
      const next = recordAfterCollect(current, outcome, foreground);
      return next === current ? undefined : { records: [next] };
    });
  });
}

/**
 * A collect that ended pending, with SCM's reason (order-status.ts), or
 * failed when SCM declined or rejected the order. Asking is a courtesy: when
 * SCM does not answer, the record stays pending as it was.
 *
 * A record that was still owed and is now refused is recorded with what
 * SCM's collect says of the refused order, from one more collect: the one
 * above may have been answered before the refusal (a decline made while a
 * background collect was under way). A record already refused needs none.
 */
async function explainPending(
  orders: ScmOrders,
  classify: CollectErrorClassifier,
  record: CertificateRecord,
  outcome: CollectOutcome & { kind: 'pending' },
): Promise<CollectOutcome> {
  let status;
  try {
    status = await orders.orderStatus(record);
  } catch {
    return outcome;
  }
  const verdict = status && verdictOf(status, record.certificate_type, outcome.fault);
  if (!status || !verdict) return outcome;
  if (verdict.kind === 'pending') return { ...outcome, reason: verdict.reason };
  if (!isAwaitingIssue(record)) return verdict;
  const again = await collectUntilIssued(collectAttempt(orders, record), classify, ONE_ATTEMPT);
  return again.kind === 'pending' ? (verdictOf(status, record.certificate_type, again.fault) ?? verdict) : again;
}

/** A request's collect: its own timing, and the warnings its answer carries. */
export async function collectForRequest(
  deps: Deps<'records' | 'locks' | 'scm' | 'limits'>,
  config: ConfigEntry,
  id: string,
  req: CollectRequest,
): Promise<{ record: CertificateRecord; warnings: string[] }> {
  const record = await collectRecord(deps, config, id, collectTiming(deps.limits, req));
  return { record, warnings: pendingWarnings(deps.limits, record, req) };
}

/** Warnings a response carries for a record that is not (yet) issued. */
export function pendingWarnings(limits: LifecycleLimits, record: CertificateRecord, req: CollectRequest): string[] {
  const path = `certs/${record.config_name}/${record.cert_unique_id}`;
  switch (currentStatus(record)) {
    case 'TimedoutStateSaved':
    case 'Applied':
    case 'Replaced': {
      const timing = collectTiming(limits, req);
      const waited = `${Math.round(timing.maxWaitMs / 1000)} s`;
      const why = timing.cappedByServer
        ? `the server's max_request_duration cut the wait to ${waited}`
        : `sectigo_max_timeout (${waited}) ran out`;
      const reason = record.pending_reason ? `: ${record.pending_reason}` : '';
      return [
        `SCM has not issued the certificate yet${reason} (${why}); the order and private key are saved. ` +
          `Read ${path} later to collect it; the background collector keeps trying meanwhile.`,
      ];
    }
    case 'ErrorCode':
      return [
        `SCM error ${record.last_error?.code} while collecting: ${record.last_error?.description}. ` +
          `Fix the cause at SCM, then read ${path} to collect again.`,
      ];
    default:
      return [];
  }
}
