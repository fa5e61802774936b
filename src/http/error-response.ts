/**
 * Errors → Vault's `{"errors":[…]}` with the status of SPEC §3: the one place
 * where the domain's kinds of failure become HTTP statuses. User errors keep
 * their message; SCM errors keep SCM's code and description; anything else is
 * a bug: logged with the request id, answered with a generic 500 so internals
 * never leak to the caller.
 */
import type { Middleware } from 'koa';
import { ConflictError, NotFoundError, UpstreamError, UserError } from '../errors.js';
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
];

function statusOf(err: unknown): number | undefined {
  if (err instanceof HttpError) return err.status;
  return STATUS_OF_KIND.find(([kind]) => err instanceof kind)?.[1];
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
        const message = (err as Error).message;
        writeErrors(ctx, status, message ? [message] : []);
      } else if (err instanceof ScmError) {
        ctx.state.logger.warn({ scm_status: err.httpStatus, scm_code: err.code, transport: err.transport }, err.message);
        writeErrors(ctx, err.transport ? 503 : 502, [err.message]);
      } else {
        ctx.state.logger.error({ err }, 'internal error');
        writeErrors(ctx, 500, [`internal error; see the server log for request ${ctx.state.requestId}`]);
      }
    }
  };
}
