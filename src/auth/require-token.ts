/**
 * Every route except the unauthenticated sys ones needs a live token, from
 * X-Vault-Token (preferred, as Vault does) or `Authorization: Bearer`. Failure
 * is 403, never 401: hvac's is_authenticated() only expects 403. A token
 * bound to CIDR blocks (an AppRole's token_bound_cidrs) is refused from any
 * other address, with the same 403.
 */
import type { Middleware } from 'koa';
import { HttpError } from '../framework/errors.js';
import type { RequestState } from '../framework/request-state.js';
import { APPROLE_LOGIN_PATH } from './approle-login-path.js';
import { addressInCidrs } from './cidr-list.js';
import type { TokenEntry, TokenStore } from './token-store.js';

/**
 * Paths clients call before they have a token (health checks, `vault
 * status`, logins). A token sent with them is not looked at: hvac sends its
 * current one with a login.
 */
const UNAUTHENTICATED = new Set(['sys/health', 'sys/seal-status', 'sys/leader', 'sys/init', APPROLE_LOGIN_PATH]);

/** What `unauthenticated_metrics_access` opens, as Vault's setting of that name does. */
const METRICS_PATH = 'sys/metrics';

/** The token a request carries: X-Vault-Token first, as Vault reads it, else `Authorization: Bearer`; '' when none. */
export function tokenFrom(xVaultToken: string, authorization: string): string {
  if (xVaultToken !== '') return xVaultToken;
  const bearer = /^Bearer\s+(.+)$/i.exec(authorization);
  return bearer ? bearer[1]!.trim() : '';
}

export interface TokenGateOptions {
  unauthenticatedMetrics?: boolean;
  /** The paths mounted engines serve without a token (a PKI engine's CA and certificates, as Vault's PKI engine does). */
  isPublic?: (vaultPath: string) => boolean;
}

/** A path answered without a token; a token sent with it is not looked at. */
export function needsNoToken(vaultPath: string, options: TokenGateOptions): boolean {
  if (UNAUTHENTICATED.has(vaultPath) || options.isPublic?.(vaultPath) === true) return true;
  return options.unauthenticatedMetrics === true && vaultPath === METRICS_PATH;
}

/**
 * The live token a request presents, when it may be used from the
 * request's address; undefined means 403 (unknown, revoked, expired, or
 * bound to other CIDR blocks). Every authenticated request is judged here,
 * in the middleware chain and on the hot-read path (http/hot-read.ts).
 */
export async function presentedToken(tokens: TokenStore, token: string, remoteAddress: string): Promise<TokenEntry | undefined> {
  const entry = token === '' ? undefined : await tokens.lookup(token);
  // Vault's words for a token used from outside its token_bound_cidrs are the same 403.
  if (entry?.bound_cidrs && !addressInCidrs(remoteAddress, entry.bound_cidrs)) return undefined;
  return entry;
}

export function requireToken(tokens: TokenStore, options: TokenGateOptions = {}): Middleware<RequestState> {
  return async (ctx, next) => {
    if (needsNoToken(ctx.state.vaultPath, options)) return next();
    const token = tokenFrom(ctx.get('X-Vault-Token'), ctx.get('Authorization'));
    const entry = await presentedToken(tokens, token, ctx.req.socket.remoteAddress ?? '');
    if (entry === undefined) throw new HttpError(403, 'permission denied');
    ctx.state.token = entry;
    ctx.state.clientToken = token;
    await next();
  };
}
