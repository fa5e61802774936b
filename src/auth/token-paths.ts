/**
 * auth/token/*, as Vault's token store answers them: what `vault login`,
 * `vault token create|lookup|renew|revoke`, hvac's `auth.token` and
 * node-vault's `token*` calls send. The model (tree, lifetimes, accessors) is
 * in token-store.ts; these handlers parse fields, check who may do what, and
 * shape Vault's answers.
 */
import { UserError } from '../errors.js';
import { HttpError } from '../framework/errors.js';
import { durationField } from '../framework/go-values.js';
import { definePath, type PathDefinition, type PathRequest, type PathResponse } from '../framework/path.js';
import type { FieldSchema } from '../field-schema.js';
import { DEFAULT_POLICY } from './policy-store.js';
import { isOrphan, isRoot, remainingTtl, secondsUntil, type LiveToken, type TokenEntry, type TokenStore } from './token-store.js';

export interface TokenContext {
  tokens: TokenStore;
}

function callerOf(token: PathRequest['token']): NonNullable<PathRequest['token']> {
  // The auth middleware runs before every auth/token path; this only guards against wiring mistakes.
  if (!token) throw new HttpError(403, 'permission denied');
  return token;
}

/** The caller as a live token: checked again, since a revoke may have landed since the middleware looked. */
async function liveCaller(token: PathRequest['token'], ctx: TokenContext): Promise<{ id: string; live: LiveToken }> {
  const { id } = callerOf(token);
  const live = await ctx.tokens.lookupLive(id);
  if (!live) throw new HttpError(403, 'permission denied');
  return { id, live };
}

/** As in Vault: a token cannot hand out more than it holds, or any token could mint a root token. */
function checkSubsetOfCaller(policies: string[], caller: TokenEntry): void {
  if (isRoot(caller)) return;
  const extra = policies.filter((policy) => policy !== DEFAULT_POLICY && !caller.policies.includes(policy));
  if (extra.length > 0) {
    throw new UserError(`policies: ${extra.map((policy) => `"${policy}"`).join(', ')} not held by the calling token (a token can only create tokens with a subset of its own policies)`);
  }
}

function unixSeconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

/** lookup-self, lookup and lookup-accessor `data`, with Vault's field names and types. */
function tokenData(id: string, token: LiveToken): Record<string, unknown> {
  const { entry } = token;
  return {
    accessor: entry.accessor,
    creation_time: unixSeconds(entry.creation_time),
    creation_ttl: entry.creation_ttl,
    display_name: entry.display_name,
    entity_id: '',
    // The effective expiry: the token's own, or an ancestor's when that comes first.
    expire_time: token.expiresAtMs === null ? null : new Date(token.expiresAtMs).toISOString(),
    explicit_max_ttl: entry.explicit_max_ttl ?? 0,
    id,
    issue_time: entry.creation_time,
    ...(entry.last_renewal_time ? { last_renewal: entry.last_renewal_time, last_renewal_time: unixSeconds(entry.last_renewal_time) } : {}),
    meta: entry.meta ?? null,
    ...(entry.bound_cidrs ? { bound_cidrs: entry.bound_cidrs } : {}),
    num_uses: 0,
    orphan: isOrphan(entry),
    path: entry.path ?? (isRoot(entry) ? 'auth/token/root' : 'auth/token/create'),
    policies: entry.policies,
    renewable: entry.renewable === true,
    ttl: remainingTtl(token),
    type: 'service',
  };
}

/** The envelope's `auth` block of create and renew. */
export function authBlock(id: string, entry: TokenEntry, leaseSeconds: number): Record<string, unknown> {
  return {
    client_token: id,
    accessor: entry.accessor,
    policies: entry.policies,
    token_policies: entry.policies,
    metadata: entry.meta ?? null,
    lease_duration: leaseSeconds,
    renewable: entry.renewable === true,
    entity_id: '',
    token_type: 'service',
    orphan: isOrphan(entry),
    num_uses: 0,
  };
}

function withWarnings(response: PathResponse, warnings: string[]): PathResponse {
  return warnings.length > 0 ? { ...response, warnings } : response;
}

const createFields: Record<string, FieldSchema> = {
  policies: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 128 }, maxItems: 64, description: 'Policies of the new token (comma string or array; default ["default"]); a subset of the caller\'s unless the caller is root' },
  no_default_policy: { type: 'boolean', description: 'Leave `default` out of the token\'s policies (default false)' },
  ttl: { type: ['string', 'integer'], description: 'Lifetime: seconds or a Go duration such as "1h" or "720h", at most 100 years. Capped at the parent\'s remaining lifetime; without it a child inherits the parent\'s expiry (a child of a token that never expires never expires)' },
  explicit_max_ttl: { type: ['string', 'integer'], description: 'A limit from creation that no renewal can pass (default: none)' },
  renewable: { type: 'boolean', description: 'Whether renew and renew-self may extend the token (default true; a token that never expires is not renewable)' },
  no_parent: { type: 'boolean', description: 'Create an orphan: a token with no parent, not revoked with the caller. Needs root or `sudo` on auth/token/create' },
  display_name: { type: 'string', maxLength: 128, description: 'Name shown by lookup, as "token-<name>" (default "token")' },
  meta: { type: 'object', additionalProperties: { type: 'string', maxLength: 512 }, maxProperties: 64, description: 'String metadata, returned by lookup' },
  num_uses: { type: 'integer', minimum: 0, description: 'Accepted as 0 only: tokens with a use limit are not supported' },
  type: { type: 'string', enum: ['service', 'default'], description: 'Accepted for compatibility: every token is a service token' },
};

async function createToken(req: PathRequest, ctx: TokenContext, path: 'create' | 'create-orphan'): Promise<PathResponse> {
  const { data } = req;
  const caller = await liveCaller(req.token, ctx);
  const ttlSeconds = durationField('ttl', data.ttl);
  const explicitMaxTtlSeconds = durationField('explicit_max_ttl', data.explicit_max_ttl);
  if ((data.num_uses as number | undefined) !== undefined && data.num_uses !== 0) throw new UserError('num_uses: tokens with a use limit are not supported; leave it 0');
  let policies = (data.policies as string[] | undefined) ?? [DEFAULT_POLICY];
  if (data.no_default_policy === true) policies = policies.filter((policy) => policy !== DEFAULT_POLICY);
  checkSubsetOfCaller(policies, caller.live.entry);

  const orphan = path === 'create-orphan' || data.no_parent === true;
  if (orphan && !req.may('sudo')) {
    // Vault answers a no_parent without sudo with 400; create-orphan needs sudo here too (Vault asks only for the path's ACL).
    if (path === 'create') throw new UserError('no_parent: root or sudo privileges required to create orphan token');
    throw new HttpError(403, 'permission denied: root or sudo on auth/token/create-orphan is required to create an orphan token');
  }
  const displayName = data.display_name as string | undefined;
  const { id, entry, warnings } = await ctx.tokens.create({
    policies,
    ttlSeconds,
    explicitMaxTtlSeconds,
    renewable: data.renewable !== false,
    displayName: displayName ? `token-${displayName}` : 'token',
    parent: orphan ? undefined : caller.live,
    path: `auth/token/${path}`,
    meta: (data.meta as Record<string, string> | undefined) ?? null,
  });
  return withWarnings({ auth: authBlock(id, entry, entry.creation_ttl) }, warnings);
}

const lookupSelf = definePath<TokenContext>({
  pattern: 'lookup-self',
  synopsis: 'Information about the token making the request',
  help: 'Returns the calling token\'s accessor, policies, ttl, expire_time, orphan and metadata. `ttl` and `expire_time` are effective: the earlier of the token\'s own expiry and its parent\'s. 403 when the token is missing, unknown or expired.',
  fields: {},
  operations: {
    read: async ({ token }, ctx) => {
      const { id, live } = await liveCaller(token, ctx);
      return { data: tokenData(id, live) };
    },
  },
});

const create = definePath<TokenContext>({
  pattern: 'create',
  synopsis: 'Create a child token of the caller',
  help: [
    'Creates a service token whose parent is the calling token: revoking or expiring the parent revokes it.',
    'Without `policies` the token gets `default`. Its lifetime is `ttl`, capped at `explicit_max_ttl` and at the parent\'s remaining lifetime; without `ttl` it inherits the parent\'s expiry (a child of a token that never expires, such as root, never expires).',
    'The token is shown once, in `auth.client_token`. A non-root caller needs `create` or `update` on auth/token/create and can only give its own policies (or `default`); `no_parent=true` also needs `sudo`.',
  ].join('\n\n'),
  fields: createFields,
  strict: true,
  operations: {
    update: (req, ctx) => createToken(req, ctx, 'create'),
  },
});

const createOrphan = definePath<TokenContext>({
  pattern: 'create-orphan',
  synopsis: 'Create a token with no parent',
  help: 'As create, but the token has no parent: it is not revoked with the caller and its ttl is not capped by the caller\'s. Needs root or `update` and `sudo` on auth/token/create-orphan (stricter than Vault, which asks only for the path\'s ACL).',
  fields: createFields,
  strict: true,
  operations: {
    update: (req, ctx) => createToken(req, ctx, 'create-orphan'),
  },
});

const tokenField: FieldSchema = { type: 'string', minLength: 1, maxLength: 512, secret: true, description: 'The token' };
const accessorField: FieldSchema = { type: 'string', minLength: 1, maxLength: 128, description: 'The token\'s accessor' };
const incrementField: FieldSchema = { type: ['string', 'integer'], description: 'New lease from now: seconds or a Go duration (default: the token\'s creation ttl); never past explicit_max_ttl nor the parent\'s expiry' };

async function byAccessor(accessor: string, ctx: TokenContext): Promise<LiveToken> {
  const live = await ctx.tokens.lookupAccessor(accessor);
  if (!live) throw new UserError('accessor: invalid accessor (no live token has it)');
  return live;
}

const lookup = definePath<TokenContext>({
  pattern: 'lookup',
  synopsis: 'Information about a token',
  help: 'As lookup-self, for the token given in the body. 403 `bad token` when it is unknown, revoked or expired. Needs `update` on auth/token/lookup.',
  fields: { token: tokenField },
  required: ['token'],
  strict: true,
  operations: {
    update: async ({ data }, ctx) => {
      const live = await ctx.tokens.lookupLive(data.token as string);
      if (!live) throw new HttpError(403, 'bad token');
      return { data: tokenData(data.token as string, live) };
    },
  },
});

const lookupAccessor = definePath<TokenContext>({
  pattern: 'lookup-accessor',
  synopsis: 'Information about a token, named by its accessor',
  help: 'As lookup, with `id` empty: an accessor never yields its token. Needs `update` on auth/token/lookup-accessor.',
  fields: { accessor: accessorField },
  required: ['accessor'],
  strict: true,
  operations: {
    update: async ({ data }, ctx) => ({ data: tokenData('', await byAccessor(data.accessor as string, ctx)) }),
  },
});

const revoke = definePath<TokenContext>({
  pattern: 'revoke',
  synopsis: 'Revoke a token and its children',
  help: 'Revokes the token given in the body and every token below it in the tree, in one write. An unknown token is answered as revoked (204). Needs `update` on auth/token/revoke.',
  fields: { token: tokenField },
  required: ['token'],
  strict: true,
  operations: {
    update: async ({ data }, ctx) => {
      await ctx.tokens.revoke(data.token as string);
    },
  },
});

const revokeAccessor = definePath<TokenContext>({
  pattern: 'revoke-accessor',
  synopsis: 'Revoke a token and its children, named by its accessor',
  help: 'As revoke, for the token with this accessor. Needs `update` on auth/token/revoke-accessor.',
  fields: { accessor: accessorField },
  required: ['accessor'],
  strict: true,
  operations: {
    update: async ({ data }, ctx) => {
      await ctx.tokens.revokeLive(await byAccessor(data.accessor as string, ctx));
    },
  },
});

const revokeSelf = definePath<TokenContext>({
  pattern: 'revoke-self',
  synopsis: 'Revoke the token making the request and its children',
  help: 'The token and every token below it stop working immediately. Revoking the root token revokes every token it created and locks the server until a new one is made (see docs/configuration.md).',
  fields: {},
  operations: {
    update: async ({ token }, ctx) => {
      await ctx.tokens.revoke(callerOf(token).id);
    },
  },
});

async function renewToken(id: string, live: LiveToken, increment: unknown, ctx: TokenContext): Promise<PathResponse> {
  const { entry, warnings } = await ctx.tokens.renew(live, durationField('increment', increment));
  const expiresAtMs = Math.min(Date.parse(entry.expire_time!), live.ancestorsExpireAtMs ?? Infinity);
  return withWarnings({ auth: authBlock(id, entry, secondsUntil(expiresAtMs)) }, warnings);
}

const renewSelf = definePath<TokenContext>({
  pattern: 'renew-self',
  synopsis: 'Extend the calling token\'s lease',
  help: 'Sets the calling token\'s lease to `increment` from now (default: its creation ttl), never past its `explicit_max_ttl` nor its parent\'s expiry. 400 for a token that is not renewable or never expires.',
  fields: { increment: incrementField },
  strict: true,
  operations: {
    update: async ({ data, token }, ctx) => {
      const { id, live } = await liveCaller(token, ctx);
      return renewToken(id, live, data.increment, ctx);
    },
  },
});

const renew = definePath<TokenContext>({
  pattern: 'renew',
  synopsis: 'Extend a token\'s lease',
  help: 'As renew-self, for the token given in the body. Needs `update` on auth/token/renew.',
  fields: { token: tokenField, increment: incrementField },
  required: ['token'],
  strict: true,
  operations: {
    update: async ({ data }, ctx) => {
      const live = await ctx.tokens.lookupLive(data.token as string);
      if (!live) throw new UserError('token: invalid token (unknown, revoked or expired)');
      return renewToken(data.token as string, live, data.increment, ctx);
    },
  },
});

export const tokenPaths: PathDefinition<TokenContext>[] = [
  lookupSelf,
  create,
  createOrphan,
  lookup,
  lookupAccessor,
  renewSelf,
  renew,
  revokeSelf,
  revoke,
  revokeAccessor,
];
