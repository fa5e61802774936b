/**
 * A server whose seal key cannot open its storage answers only what tells an
 * operator (or a load balancer) that it is sealed; everything else is 503.
 */
import type { Middleware } from 'koa';
import { HttpError } from '../framework/errors.js';
import type { RequestState } from '../framework/request-state.js';

const ANSWERED_WHILE_SEALED = new Set(['sys/health', 'sys/seal-status', 'sys/leader', 'sys/init']);

export function sealedGate(): Middleware<RequestState> {
  return async (ctx, next) => {
    if (!ANSWERED_WHILE_SEALED.has(ctx.state.vaultPath)) {
      throw new HttpError(503, 'Vault is sealed: the seal key does not open this storage (check SCMPKI_SEAL_KEY or seal_key_file)');
    }
    await next();
  };
}
