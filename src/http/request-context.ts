/**
 * First middleware: a request id, `Cache-Control: no-store` (Vault sets it on
 * every response), the request's AbortSignal, one access-log line and the
 * request's metrics. Only the path is logged, never the query or body: both
 * can carry secrets.
 */
import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from '../logging.js';
import type { RequestLogger, RequestState } from '../framework/request-state.js';
import { accessLineWriter } from './access-line.js';

/** Where each finished request is counted: its path family (never the path), operation, status and duration. */
export interface RequestCounter {
  familyOf(vaultPath: string | undefined): string;
  observe(family: string, operation: string, status: number, seconds: number): void;
}

export interface RequestLoggers {
  /** Request lines (errors, warnings), with the usual redaction. */
  logger: Logger;
  /**
   * The access line's: its fields are fixed and hold no secret (the path,
   * never the query or body), so it skips redaction, which cost more than the line.
   */
  access: Logger;
}

/** A finished request as the access line and the metrics see it. */
export interface FinishedRequest {
  requestId: string;
  /** `LIST` for a list, else the HTTP method. */
  method: string;
  /** The URL's path, never its query. */
  path: string;
  vaultPath: string | undefined;
  /** Its path family, when the caller already knows it (the hot-read path routes each path once). */
  family?: string;
  operation: string;
  status: number;
  /** process.hrtime.bigint() when the request came in. */
  startedAt: bigint;
}

/**
 * The two ends of every request's record, written the same way by the
 * middleware chain and by the hot-read path (hot-read.ts): `received` (at
 * trace only) when it comes in, `finished` (the access line and the
 * request's metrics) when its answer is written.
 */
export function requestRecord(access: Logger, counter?: RequestCounter) {
  const accessLine = accessLineWriter(access);
  return {
    received(requestId: string, method: string, path: string): void {
      // At trace, a request that never finishes still shows that it came in.
      if (access.isLevelEnabled('trace')) access.trace({ request_id: requestId, method, path }, 'request received');
    },
    finished(request: FinishedRequest): void {
      const ms = Number(process.hrtime.bigint() - request.startedAt) / 1e6;
      counter?.observe(request.family ?? counter.familyOf(request.vaultPath), request.operation, request.status, ms / 1000);
      accessLine({ request_id: request.requestId, method: request.method, path: request.path, status: request.status, ms });
    },
  };
}

export type RequestRecord = ReturnType<typeof requestRecord>;

/** `record`: the server's access line and metrics (requestRecord), shared with the hot-read path. */
export function requestContext(loggers: RequestLoggers, maxRequestDurationMs: number, record: RequestRecord = requestRecord(loggers.access)): Middleware<RequestState> {
  const { logger } = loggers;
  return async (ctx, next) => {
    const startedAt = process.hrtime.bigint();
    const requestId = randomUUID();
    ctx.state.requestId = requestId;
    record.received(requestId, ctx.method, ctx.path);
    // Bound fields instead of a pino child per request: a child logger costs more than the line itself.
    ctx.state.logger = requestLogger(logger, requestId);
    // The request's AbortSignal is made on first use: most requests (a read of
    // an issued certificate) never wait on anything it could cut short, and an
    // AbortController with its timer cost more than the rest of such a read.
    const deadlineAt = Date.now() + maxRequestDurationMs;
    let aborted: AbortController | undefined;
    let deadline: NodeJS.Timeout | undefined;
    Object.defineProperty(ctx.state, 'signal', {
      configurable: true,
      enumerable: true,
      get(): AbortSignal {
        if (aborted) return aborted.signal;
        const controller = (aborted = new AbortController());
        const timedOut = () => controller.abort(new DOMException('the request took longer than max_request_duration', 'TimeoutError'));
        deadline = setTimeout(timedOut, Math.max(0, deadlineAt - Date.now()));
        const disconnected = () => controller.abort(new Error('client disconnected'));
        if (ctx.req.socket.destroyed && !ctx.res.writableFinished) disconnected();
        ctx.res.once('close', () => {
          if (!ctx.res.writableFinished) disconnected();
        });
        return controller.signal;
      },
    });
    ctx.set('Cache-Control', 'no-store');
    try {
      await next();
    } finally {
      clearTimeout(deadline);
      const { vaultPath, operation } = ctx.state;
      record.finished({ requestId, method: operation === 'list' ? 'LIST' : ctx.method, path: ctx.path, vaultPath, operation: operation ?? 'unknown', status: ctx.status, startedAt });
    }
  };
}

/** The request's log lines, each carrying its request_id. */
function requestLogger(logger: Logger, requestId: string): RequestLogger {
  const bound = (level: 'info' | 'warn' | 'error') => (fields: object, message: string) => logger[level]({ request_id: requestId, ...fields }, message);
  return { info: bound('info'), warn: bound('warn'), error: bound('error') };
}
