/**
 * auth/token/*: what `vault login`, `vault token lookup`, hvac's
 * is_authenticated() and node-vault's tokenLookupSelf() call.
 */
import { UserError } from '../errors.js';
import { HttpError } from '../framework/errors.js';
import { parseDurationSeconds } from '../framework/go-values.js';
import { definePath, type PathDefinition, type PathRequest } from '../framework/path.js';
import { DEFAULT_POLICY } from './policy-store.js';
import { isRoot, remainingTtl, type TokenEntry, type TokenStore } from './token-store.js';

export interface TokenContext {
  tokens: TokenStore;
}

function callerOf(token: PathRequest['token']): NonNullable<PathRequest['token']> {
  // The auth middleware runs before every auth/token path; this only guards against wiring mistakes.
  if (!token) throw new HttpError(403, 'permission denied');
  return token;
}

/** As in Vault: a token cannot hand out more than it holds, or any token could mint a root token. */
function checkSubsetOfCaller(policies: string[], caller: TokenEntry): void {
  if (isRoot(caller)) return;
  const extra = policies.filter((policy) => policy !== DEFAULT_POLICY && !caller.policies.includes(policy));
  if (extra.length > 0) {
    throw new UserError(`policies: ${extra.map((policy) => `"${policy}"`).join(', ')} not held by the calling token (a token can only create tokens with a subset of its own policies)`);
  }
}

const lookupSelf = definePath<TokenContext>({
  pattern: 'lookup-self',
  synopsis: 'Information about the token making the request',
  help: 'Returns the calling token\'s policies, ttl and metadata. 403 when the token is missing, unknown or expired.',
  fields: {},
  operations: {
    read: async ({ token }) => {
      const { id, entry } = callerOf(token);
      return {
        data: {
          accessor: entry.accessor,
          creation_time: Math.floor(Date.parse(entry.creation_time) / 1000),
          creation_ttl: entry.creation_ttl,
          display_name: entry.display_name,
          entity_id: '',
          expire_time: entry.expire_time,
          explicit_max_ttl: 0,
          id,
          issue_time: entry.creation_time,
          meta: null,
          num_uses: 0,
          orphan: true,
          path: isRoot(entry) ? 'auth/token/root' : 'auth/token/create',
          policies: entry.policies,
          renewable: false,
          ttl: remainingTtl(entry),
          type: 'service',
        },
      };
    },
  },
});

const create = definePath<TokenContext>({
  pattern: 'create',
  synopsis: 'Create a token',
  help: 'Creates a service token. Without `policies` the token gets `default`; without `ttl` it does not expire. The token is shown once, in `auth.client_token`. A non-root caller needs `create` or `update` on auth/token/create and can only give its own policies (or `default`).',
  fields: {
    policies: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 128 }, maxItems: 64, description: 'Policies of the new token (comma string or array; default ["default"])' },
    ttl: { type: ['string', 'integer'], description: 'Lifetime: seconds or a Go duration such as "1h" or "720h" (default: no expiry)' },
    display_name: { type: 'string', maxLength: 128, description: 'Name shown by lookup-self (default "token")' },
  },
  strict: true,
  operations: {
    update: async ({ data, token }, ctx) => {
      const ttlSeconds = data.ttl === undefined ? 0 : parseDurationSeconds(data.ttl);
      if (ttlSeconds === undefined) throw new UserError(`ttl: "${String(data.ttl)}" is not a duration (use seconds or e.g. "1h", "30m")`);
      const policies = (data.policies as string[] | undefined) ?? [DEFAULT_POLICY];
      checkSubsetOfCaller(policies, callerOf(token).entry);
      const displayName = (data.display_name as string | undefined) ?? 'token';
      const { id, entry } = await ctx.tokens.create({ policies, ttlSeconds: Math.floor(ttlSeconds), displayName: `token-${displayName}` });
      return {
        auth: {
          client_token: id,
          accessor: entry.accessor,
          policies: entry.policies,
          token_policies: entry.policies,
          metadata: null,
          lease_duration: entry.creation_ttl,
          renewable: false,
          entity_id: '',
          token_type: 'service',
          orphan: false,
          num_uses: 0,
        },
      };
    },
  },
});

const revokeSelf = definePath<TokenContext>({
  pattern: 'revoke-self',
  synopsis: 'Revoke the token making the request',
  help: 'The token stops working immediately. Revoking the root token locks the server until a new one is made (see docs/configuration.md).',
  fields: {},
  operations: {
    update: async ({ token }, ctx) => {
      await ctx.tokens.revoke(callerOf(token).id);
    },
  },
});

export const tokenPaths: PathDefinition<TokenContext>[] = [lookupSelf, create, revokeSelf];

