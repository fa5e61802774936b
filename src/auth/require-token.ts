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
import type { TokenStore } from './token-store.js';

/**
 * Paths clients call before they have a token (health checks, `vault
 * status`, logins). A token sent with them is not looked at: hvac sends its
 * current one with a login.
 */
const UNAUTHENTICATED = new Set(['sys/health', 'sys/seal-status', 'sys/leader', 'sys/init', APPROLE_LOGIN_PATH]);

/** What `unauthenticated_metrics_access` opens, as Vault's setting of that name does. */
const METRICS_PATH = 'sys/metrics';

function tokenFrom(xVaultToken: string, authorization: string): string {
  if (xVaultToken !== '') return xVaultToken;
  const bearer = /^Bearer\s+(.+)$/i.exec(authorization);
  return bearer ? bearer[1]!.trim() : '';
}

/**
 * `isPublic` names the paths mounted engines serve without a token (a PKI
 * engine's CA and certificates, as Vault's PKI engine does).
 */
export function requireToken(
  tokens: TokenStore,
  options: { unauthenticatedMetrics?: boolean; isPublic?: (vaultPath: string) => boolean } = {},
): Middleware<RequestState> {
  const isPublic = options.isPublic ?? (() => false);
  return async (ctx, next) => {
    if (UNAUTHENTICATED.has(ctx.state.vaultPath) || isPublic(ctx.state.vaultPath)) return next();
    if (options.unauthenticatedMetrics && ctx.state.vaultPath === METRICS_PATH) return next();
    const token = tokenFrom(ctx.get('X-Vault-Token'), ctx.get('Authorization'));
    const entry = token === '' ? undefined : await tokens.lookup(token);
    if (entry === undefined) throw new HttpError(403, 'permission denied');
    // Vault's words for a token used from outside its token_bound_cidrs.
    if (entry.bound_cidrs && !addressInCidrs(ctx.req.socket.remoteAddress ?? '', entry.bound_cidrs)) throw new HttpError(403, 'permission denied');
    ctx.state.token = entry;
    ctx.state.clientToken = token;
    await next();
  };
}
