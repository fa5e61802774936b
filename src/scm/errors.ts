/**
 * SCM answered with an error, or could not be reached. `code` and
 * `description` are SCM's own (reference/scm-api.md §3) and are passed to the
 * caller unchanged; `httpStatus` is SCM's HTTP status (0 when SCM was not
 * reached at all: timeout, reset, DNS, TLS).
 */
export class ScmError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: number,
    readonly description: string,
    readonly transport = false,
  ) {
    super(transport ? `SCM unreachable: ${description}` : `SCM error ${code}: ${description}`);
    this.name = 'ScmError';
  }
}
