/**
 * Deny by default: after the token is known, the request's operation must be
 * granted on its path by the token's policies (acl.ts). The root token
 * bypasses; the token self-paths need no policy (Vault grants them through
 * its `default` policy, which is empty here).
 *
 * Operation → capability, matched against the path without `/v1/`:
 * - read → read; delete → delete;
 * - list → list, on the path with a trailing "/" (as Vault does, so
 *   `certs/web/*` grants listing `certs/web`);
 * - update → create OR update. Vault asks for `create` when the entry does not
 *   exist and `update` when it does; most engine writes (enroll, revoke, renew)
 *   are actions rather than entries, so either capability allows any write.
 * - `?help=1` → any capability other than deny.
 * sys/policies/*, sys/policy*, sys/audit*, sys/auth/* (enabling and disabling auth
 * methods), sys/loggers*, sys/rotate and sys/storage/* also need `sudo`, as
 * Vault's root-protected paths do.
 */
import type { Middleware } from 'koa';
import { UserError } from '../errors.js';
import { HttpError } from '../framework/errors.js';
import type { RequestState } from '../framework/request-state.js';
import type { Capability } from './policy-language.js';
import type { PolicyStore } from './policy-store.js';
import { isRoot, type TokenEntry } from './token-store.js';

/** What Vault's default policy lets every token do with itself. */
const NO_POLICY_NEEDED = new Set(['auth/token/lookup-self', 'auth/token/renew-self', 'auth/token/revoke-self']);

/** The token self-paths: any live token may use them, whatever its policies. */
export function needsNoPolicy(vaultPath: string): boolean {
  return NO_POLICY_NEEDED.has(vaultPath);
}

/** Root-protected paths (Vault's): besides the operation's capability, a policy must grant `sudo`. */
const SUDO_PREFIXES = ['sys/policies/', 'sys/policy', 'sys/audit', 'sys/auth/', 'sys/loggers', 'sys/rotate', 'sys/storage/'];

function decodedPath(vaultPath: string): string {
  // Match what the router will route: `certs/s%65cret/x` is `certs/secret/x`.
  try {
    return vaultPath.split('/').map(decodeURIComponent).join('/');
  } catch {
    throw new UserError(`path: "${vaultPath}" is not valid percent-encoding`);
  }
}

function isGranted(granted: Set<Capability>, state: Pick<RequestState, 'operation' | 'help'>, path: string): boolean {
  if (granted.has('deny')) return false;
  if (SUDO_PREFIXES.some((prefix) => path.startsWith(prefix)) && !granted.has('sudo')) return false;
  if (state.help) return granted.size > 0;
  switch (state.operation) {
    case 'read':
      return granted.has('read');
    case 'list':
      return granted.has('list');
    case 'update':
      return granted.has('create') || granted.has('update');
    case 'delete':
      return granted.has('delete');
  }
}

/** What a token's policies grant on a request's path: every capability for root. */
export type Granted = ReadonlySet<Capability> | 'all';

/**
 * The policy decision for one request: what the token's policies grant on
 * its path, or undefined when they do not grant its operation (403). The
 * middleware chain and the hot-read path (http/hot-read.ts) both ask here.
 */
export async function grantedFor(
  policies: PolicyStore,
  token: TokenEntry,
  request: Pick<RequestState, 'vaultPath' | 'operation' | 'help'>,
): Promise<Granted | undefined> {
  if (isRoot(token)) return 'all';
  const path = decodedPath(request.vaultPath);
  const acl = await policies.aclFor(token.policies);
  const granted = acl.capabilitiesOn(request.operation === 'list' ? `${path}/` : path);
  return isGranted(granted, request, path) ? granted : undefined;
}

export function enforcePolicies(policies: PolicyStore): Middleware<RequestState> {
  return async (ctx, next) => {
    const { token, vaultPath } = ctx.state;
    // No token means an unauthenticated path (require-token.ts lets only those through).
    if (!token || needsNoPolicy(vaultPath)) return next();
    const granted = await grantedFor(policies, token, ctx.state);
    if (granted === undefined) throw new HttpError(403, 'permission denied');
    ctx.state.granted = granted;
    await next();
  };
}
