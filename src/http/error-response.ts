/**
 * Errors → Vault's `{"errors":[…]}` with the status of SPEC §3: the one place
 * where the domain's kinds of failure become HTTP statuses. User errors keep
 * their message; SCM errors keep SCM's code and description; anything else is
 * a bug: logged with the request id, answered with a generic 500 so internals
 * never leak to the caller.
 */
import type { Middleware } from 'koa';
import { ConflictError, NotFoundError, NotReadyError, StorageUnavailableError, UpstreamError, UserError } from '../errors.js';
import { HttpError } from '../framework/errors.js';
import { ScmError } from '../scm/errors.js';
import { writeErrors } from '../framework/envelope.js';
import type { RequestState } from '../framework/request-state.js';

/** A subclass (pki's PkiInputError is a UserError) answers as its kind. */
const STATUS_OF_KIND: Array<[new (...args: never[]) => Error, number]> = [
  [UserError, 400],
  [NotFoundError, 404],
  [ConflictError, 409],
  [UpstreamError, 502],
  // 503 with Retry-After: the status Vault's Go client (and so cert-manager) retries by itself.
  [NotReadyError, 503],
  [StorageUnavailableError, 503],
];

function statusOf(err: unknown): number | undefined {
  if (err instanceof HttpError) return err.status;
  return STATUS_OF_KIND.find(([kind]) => err instanceof kind)?.[1];
}

/**
 * SCM's own refusals are 502 (its code and words travel in the message);
 * SCM rate-limiting us is the caller's 429, with SCM's Retry-After, so
 * clients back off as they would from any rate limit. No answer: 503 when
 * SCM was provably never reached, 504 when the request went out and no
 * answer came (SCM may have acted on it).
 */
function scmStatus(err: ScmError): number {
  if (err.transport) return err.notSent ? 503 : 504;
  return err.httpStatus === 429 ? 429 : 502;
}

export function errorResponse(): Middleware<RequestState> {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const status = statusOf(err);
      if (status !== undefined) {
        // The rest of the body is still on the wire: the connection cannot carry another request.
        if (status === 413 || status === 408) ctx.set('Connection', 'close');
        if (err instanceof NotReadyError) ctx.set('Retry-After', String(err.retryAfterSeconds));
        // The operator must hear of it even if no client reports the 503s.
        if (err instanceof StorageUnavailableError) ctx.state.logger.error({ path: ctx.path }, err.message);
        const message = (err as Error).message;
        writeErrors(ctx, status, message ? [message] : []);
      } else if (err instanceof ScmError) {
        ctx.state.logger.warn({ scm_status: err.httpStatus, scm_code: err.code, transport: err.transport, not_sent: err.notSent }, err.message);
        if (err.retryAfterSeconds !== undefined) ctx.set('Retry-After', String(err.retryAfterSeconds));
        writeErrors(ctx, scmStatus(err), [err.message]);
      } else {
        ctx.state.logger.error({ err }, 'internal error');
        writeErrors(ctx, 500, [`internal error; see the server log for request ${ctx.state.requestId}`]);
      }
    }
  };
}
