/**
 * First middleware: a request id, `Cache-Control: no-store` (Vault sets it on
 * every response), the request's AbortSignal, and one access-log line. Only
 * the path is logged, never the query or body: both can carry secrets.
 */
import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from '../logging.js';
import type { RequestState } from '../framework/request-state.js';

export function requestContext(logger: Logger, maxRequestDurationMs: number): Middleware<RequestState> {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    const requestId = randomUUID();
    ctx.state.requestId = requestId;
    ctx.state.logger = logger.child({ request_id: requestId });
    const disconnected = new AbortController();
    ctx.res.once('close', () => {
      if (!ctx.res.writableFinished) disconnected.abort(new Error('client disconnected'));
    });
    ctx.state.signal = AbortSignal.any([disconnected.signal, AbortSignal.timeout(maxRequestDurationMs)]);
    ctx.set('Cache-Control', 'no-store');
    try {
      await next();
    } finally {
      ctx.state.logger.info(
        {
          method: ctx.state.operation === 'list' ? 'LIST' : ctx.method,
          path: ctx.path,
          status: ctx.status,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
        },
        'request',
      );
    }
  };
}
