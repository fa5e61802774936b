/**
 * Errors → Vault's `{"errors":[…]}` with the status of SPEC §3. User errors
 * keep their message; SCM errors keep SCM's code and description; anything
 * else is a bug: logged with the request id, answered with a generic 500 so
 * internals never leak to the caller.
 */
import type { Middleware } from 'koa';
import { NotFoundError, UserError } from '../framework/errors.js';
import { ScmError } from '../scm/errors.js';
import { writeErrors } from './envelope.js';
import type { RequestState } from './request-state.js';

export function errorResponse(): Middleware<RequestState> {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      if (err instanceof NotFoundError) {
        writeErrors(ctx, 404, err.message ? [err.message] : []);
      } else if (err instanceof UserError) {
        if (err.status === 413) ctx.set('Connection', 'close');
        writeErrors(ctx, err.status, [err.message]);
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
