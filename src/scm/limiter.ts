import pLimit from 'p-limit';

/**
 * Caps the number of SCM requests in flight. SCM is one shared, slow,
 * rate-sensitive service; the server creates ONE limiter and hands it to every
 * ScmClient (one per config entry), so the cap is global rather than per
 * config. Each attempt of a call holds a slot only while its HTTP request is
 * open: a call sleeping between retries does not block others.
 */
export interface ScmLimiter {
  run<T>(task: () => Promise<T>): Promise<T>;
  readonly maxInFlight: number;
  readonly inFlight: number;
  readonly queued: number;
}

export const DEFAULT_SCM_CONCURRENCY = 16;

export function createScmLimiter(max = DEFAULT_SCM_CONCURRENCY): ScmLimiter {
  if (!Number.isInteger(max) || max < 1) {
    throw new RangeError(`SCM concurrency limit must be a positive integer, got ${max}`);
  }
  const limit = pLimit(max);
  return {
    run: (task) => limit(task),
    maxInFlight: max,
    get inFlight() {
      return limit.activeCount;
    },
    get queued() {
      return limit.pendingCount;
    },
  };
}
