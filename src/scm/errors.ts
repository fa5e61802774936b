/**
 * SCM answered with an error, or could not be reached. `code` and
 * `description` are SCM's own (reference/scm-api.md §3) and are passed to the
 * caller unchanged; `httpStatus` is SCM's HTTP status (0 when no answer came:
 * timeout, reset, DNS, TLS).
 *
 * A transport failure is one of two kinds, and the difference decides what
 * an order call may assume: `notSent` (connection refused, DNS failure, TLS
 * refused: no byte of the request reached SCM, so SCM did nothing) or not
 * (a timeout or reset after the request went out: SCM may have acted).
 */
export interface ScmErrorDetails {
  /** transport only: the connection was never established, so the request was never sent. */
  notSent?: boolean;
  /** SCM's `Retry-After`, in whole seconds (429, 503). */
  retryAfterSeconds?: number;
}

export class ScmError extends Error {
  readonly notSent: boolean;
  readonly retryAfterSeconds?: number;

  constructor(
    readonly httpStatus: number,
    readonly code: number,
    readonly description: string,
    readonly transport = false,
    details: ScmErrorDetails = {},
  ) {
    super(messageFor(httpStatus, code, description, transport, details.notSent === true));
    this.name = 'ScmError';
    this.notSent = transport && details.notSent === true;
    if (details.retryAfterSeconds !== undefined) this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

function messageFor(httpStatus: number, code: number, description: string, transport: boolean, notSent: boolean): string {
  if (!transport) return httpStatus === 429 ? `SCM is limiting the request rate (SCM error ${code}: ${description})` : `SCM error ${code}: ${description}`;
  // "Unreachable" only when it is proven: after a timeout SCM may well have placed the order.
  return notSent ? `SCM unreachable: ${description}` : `no answer from SCM: ${description}; the request may have reached SCM`;
}
