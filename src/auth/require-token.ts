/**
 * Every route except the unauthenticated sys ones needs a live token, from
 * X-Vault-Token (preferred, as Vault does) or `Authorization: Bearer`. Failure
 * is 403, never 401: hvac's is_authenticated() only expects 403.
 */
import type { Middleware } from 'koa';
import { HttpError } from '../framework/errors.js';
import type { RequestState } from '../framework/request-state.js';
import type { TokenStore } from './token-store.js';

/** Paths clients call before they have a token (health checks, `vault status`). */
const UNAUTHENTICATED = new Set(['sys/health', 'sys/seal-status', 'sys/leader', 'sys/init']);

function tokenFrom(xVaultToken: string, authorization: string): string {
  if (xVaultToken !== '') return xVaultToken;
  const bearer = /^Bearer\s+(.+)$/i.exec(authorization);
  return bearer ? bearer[1]!.trim() : '';
}

export function requireToken(tokens: TokenStore): Middleware<RequestState> {
  return async (ctx, next) => {
    if (UNAUTHENTICATED.has(ctx.state.vaultPath)) return next();
    const token = tokenFrom(ctx.get('X-Vault-Token'), ctx.get('Authorization'));
    const entry = token === '' ? undefined : await tokens.lookup(token);
    if (entry === undefined) throw new HttpError(403, 'permission denied');
    ctx.state.token = entry;
    ctx.state.clientToken = token;
    await next();
  };
}
