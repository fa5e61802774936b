import { ScmError } from './errors.js';
import { NOT_SENT_CODES, parseRetryAfterMs } from './error-mapping.js';

/**
 * Which failed attempts are tried again, and after how long.
 *
 * Only idempotent calls (reads: types, custom fields, collect, details, list,
 * organizations; and the OAuth2 token request) are retried on transport
 * errors, 5xx and 429. Enroll, renew, replace, revoke, approve and decline are
 * not: their answer may have been lost after SCM acted, and a second POST can
 * place a second (paid) order. The one exception is a failure that proves the
 * request never left this machine (connection refused, DNS failure), which is
 * safe to repeat for any call.
 */
export interface RetryPolicy {
  /** Attempts after the first one. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A `Retry-After` longer than this is not waited for: the call fails instead. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 3,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
};

export interface FailedAttempt {
  error: ScmError;
  /** Node's socket error code for transport failures (`ECONNRESET`, …). */
  socketCode?: string;
  retryAfterHeader?: string;
}

/**
 * Delay before the next attempt, or `undefined` when the failure must be
 * passed to the caller. `attempt` counts from 0 (the first try).
 */
export function delayBeforeRetry(
  failure: FailedAttempt,
  attempt: number,
  idempotent: boolean,
  policy: RetryPolicy,
  now = Date.now(),
): number | undefined {
  if (attempt >= policy.retries) return undefined;
  const { error } = failure;
  const notSent = error.notSent || (error.transport && failure.socketCode !== undefined && NOT_SENT_CODES.has(failure.socketCode));
  const retryable = error.transport || error.httpStatus >= 500 || error.httpStatus === 429;
  if (!retryable || (!idempotent && !notSent)) return undefined;

  const retryAfter = failure.retryAfterHeader === undefined ? undefined : parseRetryAfterMs(failure.retryAfterHeader, now);
  if (retryAfter !== undefined) {
    return retryAfter <= policy.maxRetryAfterMs ? retryAfter : undefined;
  }
  // Full jitter (a random delay between 0 and the exponential cap) spreads the
  // retries of many clients that failed at the same moment.
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.floor(Math.random() * cap);
}

/** `Retry-After` is either delta-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export const parseRetryAfter = parseRetryAfterMs;
