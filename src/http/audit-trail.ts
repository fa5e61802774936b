/**
 * The audit trail (audit/broker.ts) at the edge, in two places of the chain:
 *
 * - `auditTrail`, outside error-response, sees every answer as it will leave
 *   (errors already rendered) and writes the response entry before it goes.
 *   A request stopped before its request entry was written (bad token,
 *   refused by a policy, unreadable body) gets that entry here first, with
 *   the error: it did nothing, but the attempt is on record.
 * - `auditRequest`, after auth and policies and before any handler, writes
 *   the request entry. If no device can write it, the request is refused
 *   before it does anything (503 `audit log failure`). If the response entry
 *   cannot be written, the answer is replaced by the same 503: what the
 *   handler did is done, but a secret it produced (a private key, a token)
 *   never leaves unlogged; it stays in storage for a later read.
 *
 * Status paths (health, seal-status, leader, init) are not audited, as in
 * Vault: load balancers poll them and they carry nothing.
 */
import type { Context, Middleware } from 'koa';
import type { AuditBroker } from '../audit/broker.js';
import { AuditFailure } from '../audit/broker.js';
import type { AuditedRequest, AuditedResponse } from '../audit/entry.js';
import { writeErrors } from '../framework/envelope.js';
import { HttpError } from '../framework/errors.js';
import type { RequestState } from '../framework/request-state.js';

const NOT_AUDITED = new Set(['sys/health', 'sys/seal-status', 'sys/leader', 'sys/init']);

interface Trail {
  requestLogged: boolean;
  refused: boolean;
}

const trails = new WeakMap<Context, Trail>();

function vaultPathOf(ctx: Context): string {
  const state = ctx.state as Partial<RequestState>;
  return state.vaultPath ?? ctx.path.replace(/^\/v1\//, '').replace(/^\/+|\/+$/g, '');
}

/** The token as sent, also when it turned out not to be one (require-token.ts reads the same headers). */
function sentToken(ctx: Context): string | undefined {
  const header = ctx.get('X-Vault-Token');
  if (header !== '') return header;
  return /^Bearer\s+(.+)$/i.exec(ctx.get('Authorization'))?.[1]?.trim() || undefined;
}

function auditedRequest(ctx: Context): AuditedRequest {
  const state = ctx.state as Partial<RequestState>;
  return {
    id: state.requestId ?? '',
    operation: state.operation ?? ctx.method.toLowerCase(),
    path: vaultPathOf(ctx),
    remoteAddress: ctx.req.socket.remoteAddress ?? '',
    remotePort: ctx.req.socket.remotePort,
    data: state.data ?? {},
    caller: { clientToken: sentToken(ctx), token: state.token },
  };
}

function auditedResponse(ctx: Context): AuditedResponse {
  const status = ctx.status;
  if (typeof ctx.body !== 'string') return { status };
  let body: unknown;
  try {
    body = JSON.parse(ctx.body);
  } catch {
    return { status, data: { body: ctx.body } };
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { status, data: body };
  const fields = body as Record<string, unknown>;
  if (Array.isArray(fields.errors)) return { status, error: fields.errors.length > 0 ? fields.errors.join('; ') : `status ${status}` };
  if ('request_id' in fields && 'data' in fields) {
    return { status, data: fields.data, auth: fields.auth, warnings: Array.isArray(fields.warnings) ? (fields.warnings as string[]) : undefined };
  }
  return { status, data: body };
}

function refuse(ctx: Context, err: AuditFailure): void {
  (ctx.state as RequestState).logger.error({ err: err.message }, 'request refused: the audit log could not record it');
  writeErrors(ctx, 503, [err.message]);
}

export function auditTrail(broker: AuditBroker): Middleware<RequestState> {
  return async (ctx, next) => {
    if (!broker.enabled || NOT_AUDITED.has(vaultPathOf(ctx))) return next();
    const trail: Trail = { requestLogged: false, refused: false };
    trails.set(ctx, trail);
    await next();
    if (trail.refused) return;
    try {
      const request = auditedRequest(ctx);
      const response = auditedResponse(ctx);
      if (!trail.requestLogged) await broker.logRequest(request, response.error);
      await broker.logResponse(request, response);
    } catch (err) {
      if (err instanceof AuditFailure) {
        refuse(ctx, err);
        return;
      }
      // Outside error-response: a bug here must still answer as one.
      (ctx.state as RequestState).logger.error({ err }, 'internal error in the audit trail');
      writeErrors(ctx, 500, [`internal error; see the server log for request ${(ctx.state as RequestState).requestId}`]);
    }
  };
}

export function auditRequest(broker: AuditBroker): Middleware<RequestState> {
  return async (ctx, next) => {
    const trail = trails.get(ctx);
    if (trail) {
      try {
        await broker.logRequest(auditedRequest(ctx));
      } catch (err) {
        if (!(err instanceof AuditFailure)) throw err;
        trail.refused = true;
        (ctx.state as RequestState).logger.error({ err: err.message }, 'request refused: the audit log could not record it');
        throw new HttpError(503, err.message);
      }
      trail.requestLogged = true;
    }
    await next();
  };
}
