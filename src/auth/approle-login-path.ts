/**
 * auth/approle/login: a role ID and a secret ID in, a token out. No token
 * is needed (require-token.ts lets this path through), as in Vault.
 *
 * Every way a credential can be wrong (unknown role ID, unknown, used-up,
 * destroyed or expired secret ID) gets Vault's one answer, "invalid role or
 * secret ID": a caller guessing learns nothing about which half was right.
 * Address checks come before the secret ID is spent, so a login from the
 * wrong network does not use up a secret ID's uses.
 *
 * The token is an orphan (a login has no parent token) with the role's
 * policies and lifetimes, made by the token store like every other token,
 * so lookup, renew and revoke work on it as on any token.
 */
import { UserError } from '../errors.js';
import { definePath, type PathDefinition, type PathRequest } from '../framework/path.js';
import type { AppRoleContext } from './approle-context.js';
import { DEFAULT_TOKEN_TTL_SECONDS, type AppRoleEntry } from './approle-store.js';
import { addressInCidrs } from './cidr-list.js';
import { DEFAULT_POLICY } from './policy-store.js';
import { authBlock } from './token-paths.js';

export const APPROLE_LOGIN_PATH = 'auth/approle/login';

const INVALID = 'invalid role or secret ID';

function admitAddress(address: string, blocks: string[], bindingOf: string): void {
  if (blocks.length > 0 && !addressInCidrs(address, blocks)) {
    throw new UserError(`source address ${JSON.stringify(address)} unauthorized by CIDR restrictions on the ${bindingOf}`);
  }
}

/** The login token's lifetimes: the role's, Vault's 768 h where it sets none, the ttl never past the max. */
function tokenLifetimes(role: AppRoleEntry): { ttlSeconds: number; explicitMaxTtlSeconds: number } {
  const limits = [role.token_max_ttl, role.token_explicit_max_ttl].filter((seconds) => seconds > 0);
  const explicitMaxTtlSeconds = limits.length > 0 ? Math.min(...limits) : DEFAULT_TOKEN_TTL_SECONDS;
  return { ttlSeconds: Math.min(role.token_ttl || DEFAULT_TOKEN_TTL_SECONDS, explicitMaxTtlSeconds), explicitMaxTtlSeconds };
}

async function login({ data, remoteAddress }: PathRequest, ctx: AppRoleContext) {
  const roleIdText = typeof data.role_id === 'string' ? data.role_id.trim() : '';
  if (roleIdText === '') throw new UserError('missing role_id');
  const role = await ctx.approles.roleByRoleId(roleIdText);
  if (!role) throw new UserError(INVALID);
  admitAddress(remoteAddress, role.secret_id_bound_cidrs, 'role');

  let metadata: Record<string, string> = {};
  let tokenBoundCidrs = role.token_bound_cidrs ?? [];
  if (role.bind_secret_id) {
    const secretIdText = typeof data.secret_id === 'string' ? data.secret_id.trim() : '';
    if (secretIdText === '') throw new UserError('missing secret_id');
    const used = await ctx.approles.consumeSecretId(role.name, secretIdText, (entry) => admitAddress(remoteAddress, entry.cidr_list, 'secret ID'));
    if (!used) throw new UserError(INVALID);
    metadata = used.metadata;
    if (used.token_bound_cidrs && used.token_bound_cidrs.length > 0) tokenBoundCidrs = used.token_bound_cidrs;
  }

  const policies = role.token_no_default_policy ? role.token_policies : [...role.token_policies, DEFAULT_POLICY];
  const { id, entry } = await ctx.tokens.create({
    policies,
    ...tokenLifetimes(role),
    renewable: true,
    displayName: 'approle',
    parent: undefined,
    path: APPROLE_LOGIN_PATH,
    meta: { ...metadata, role_name: role.name },
    boundCidrs: tokenBoundCidrs,
  });
  return { auth: authBlock(id, entry, entry.creation_ttl) };
}

const loginPath = definePath<AppRoleContext>({
  pattern: 'login',
  synopsis: 'Log in with a role ID and a secret ID',
  help: [
    'Returns a token in `auth.client_token` with the role\'s token_policies (plus `default` unless token_no_default_policy),',
    'its token_ttl (default 768h) and token_max_ttl, and `metadata.role_name`. No token is needed to call it.',
    '',
    '    vault write auth/approle/login role_id=... secret_id=...',
    '',
    'A secret ID with secret_id_num_uses left is counted down; the last use deletes it. 400 "invalid role or secret ID" for any wrong credential.',
  ].join('\n'),
  fields: {
    role_id: { type: 'string', maxLength: 4096, secret: true, description: 'The role\'s role ID' },
    secret_id: { type: 'string', maxLength: 4096, secret: true, description: 'A secret ID of the role (required unless the role has bind_secret_id=false)' },
  },
  operations: { update: login },
});

export const appRoleLoginPaths: PathDefinition<AppRoleContext>[] = [loginPath];
