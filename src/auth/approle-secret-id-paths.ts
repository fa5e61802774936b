/**
 * auth/approle/role/<name>/secret-id*: issuing, listing, looking up and
 * destroying secret IDs, as hvac's generate_secret_id, list_secret_id_accessors,
 * read_secret_id(_accessor) and destroy_secret_id(_accessor) call them. A
 * secret ID is shown once, in the answer that creates it; every later call
 * names it by itself or by its accessor, and storage holds only its hash
 * (approle-store.ts).
 */
import { NotFoundError, UserError } from '../errors.js';
import type { FieldSchema } from '../field-schema.js';
import { definePath, type PathDefinition, type PathRequest } from '../framework/path.js';
import { requireRole, type AppRoleContext } from './approle-context.js';
import type { SecretIdEntry } from './approle-store.js';
import { parseCidrList } from './cidr-list.js';

const secretIdField: FieldSchema = { type: 'string', minLength: 1, maxLength: 4096, secret: true, description: 'The secret ID' };
const accessorField: FieldSchema = { type: 'string', minLength: 1, maxLength: 128, description: 'The secret ID\'s accessor' };

/** Go's zero time, which Vault shows for a secret ID that never expires. */
const NEVER = '0001-01-01T00:00:00Z';

/** `{"k":"v"}` as an object or as JSON text (hvac sends text); string values only. */
function parseMetadata(value: unknown): Record<string, string> {
  if (value === undefined || value === '') return {};
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new UserError('metadata: must be a JSON object of strings, like {"host":"web-1"}');
    }
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || Object.values(parsed).some((item) => typeof item !== 'string')) {
    throw new UserError('metadata: must be a JSON object of strings, like {"host":"web-1"}');
  }
  if (Object.keys(parsed).length > 64) throw new UserError('metadata: at most 64 keys');
  if (Object.entries(parsed).some(([key, item]) => key.length > 128 || (item as string).length > 512)) {
    throw new UserError('metadata: keys may have at most 128 characters and values at most 512');
  }
  return parsed as Record<string, string>;
}

/** A secret ID's properties as Vault's lookup shows them. */
function secretIdData(entry: SecretIdEntry): Record<string, unknown> {
  return {
    cidr_list: entry.cidr_list,
    creation_time: entry.creation_time,
    expiration_time: entry.expiration_time ?? NEVER,
    last_updated_time: entry.last_updated_time,
    metadata: entry.metadata,
    secret_id_accessor: entry.secret_id_accessor,
    secret_id_num_uses: entry.secret_id_num_uses,
    secret_id_ttl: entry.secret_id_ttl,
    token_bound_cidrs: entry.token_bound_cidrs ?? [],
  };
}

function accessorNotFound(accessor: string): NotFoundError {
  return new NotFoundError(`failed to find accessor entry for secret_id_accessor: ${JSON.stringify(accessor)}`);
}

const secretId = definePath<AppRoleContext>({
  pattern: 'role/:name/secret-id',
  synopsis: 'Issue a secret ID, or list the accessors of the role\'s secret IDs',
  help: [
    'Write issues a new secret ID under the role\'s rules (secret_id_ttl, secret_id_num_uses) and returns it once, with its accessor:',
    '',
    '    vault write -f auth/approle/role/web-servers/secret-id',
    '',
    '`cidr_list` binds it to client addresses, on top of the role\'s secret_id_bound_cidrs. List returns the accessors of the live secret IDs.',
  ].join('\n'),
  fields: {
    metadata: { type: ['string', 'object'], description: 'String metadata (a JSON object or its text), added to the login token\'s metadata' },
    cidr_list: { type: 'array', items: { type: 'string', maxLength: 64 }, maxItems: 64, description: 'CIDR blocks (comma string or array) a login with this secret ID must come from' },
    token_bound_cidrs: { type: 'array', items: { type: 'string', maxLength: 64 }, maxItems: 64, description: 'CIDR blocks the tokens this secret ID logs in may be used from, instead of the role\'s' },
  },
  strict: true,
  operations: {
    update: async ({ params, data }, ctx) => {
      const { secretId: issued, entry } = await ctx.approles.createSecretId(params.name!, {
        metadata: parseMetadata(data.metadata),
        cidrList: parseCidrList('cidr_list', (data.cidr_list as string[] | undefined) ?? []),
        tokenBoundCidrs: parseCidrList('token_bound_cidrs', (data.token_bound_cidrs as string[] | undefined) ?? []),
      });
      return { data: { secret_id: issued, secret_id_accessor: entry.secret_id_accessor, secret_id_ttl: entry.secret_id_ttl, secret_id_num_uses: entry.secret_id_num_uses } };
    },
    list: async ({ params }, ctx) => {
      await requireRole(ctx, params.name!);
      return { data: { keys: await ctx.approles.listAccessors(params.name!) } };
    },
  },
});

const secretIdLookup = definePath<AppRoleContext>({
  pattern: 'role/:name/secret-id/lookup',
  synopsis: 'Properties of a secret ID',
  help: 'Returns the secret ID\'s accessor, uses left (0 = unlimited), ttl, creation and expiration times, metadata and CIDRs. 404 when it is unknown, used up, destroyed or expired.',
  fields: { secret_id: secretIdField },
  required: ['secret_id'],
  strict: true,
  operations: {
    update: async ({ params, data }, ctx) => {
      await requireRole(ctx, params.name!);
      const entry = await ctx.approles.lookupSecretId(params.name!, data.secret_id as string);
      if (!entry) throw new NotFoundError();
      return { data: secretIdData(entry) };
    },
  },
});

async function destroySecretId({ params, data }: PathRequest, ctx: AppRoleContext): Promise<void> {
  if (typeof data.secret_id !== 'string') throw new UserError('secret_id: is required');
  await requireRole(ctx, params.name!);
  await ctx.approles.destroySecretId(params.name!, data.secret_id);
}

const secretIdDestroy = definePath<AppRoleContext>({
  pattern: 'role/:name/secret-id/destroy',
  synopsis: 'Destroy a secret ID',
  help: 'The secret ID stops working at once. An unknown one is answered as destroyed (204). Tokens it logged in keep their TTL.',
  fields: { secret_id: secretIdField },
  required: ['secret_id'],
  strict: true,
  operations: {
    // DELETE carries the secret ID in the query, where `required` does not reach.
    update: destroySecretId,
    delete: destroySecretId,
  },
});

const accessorLookup = definePath<AppRoleContext>({
  pattern: 'role/:name/secret-id-accessor/lookup',
  synopsis: 'Properties of a secret ID, named by its accessor',
  help: 'As secret-id/lookup, for the secret ID with this accessor; an accessor never yields the secret ID.',
  fields: { secret_id_accessor: accessorField },
  required: ['secret_id_accessor'],
  strict: true,
  operations: {
    update: async ({ params, data }, ctx) => {
      await requireRole(ctx, params.name!);
      const accessor = data.secret_id_accessor as string;
      const entry = await ctx.approles.lookupAccessor(params.name!, accessor);
      if (!entry) throw accessorNotFound(accessor);
      return { data: secretIdData(entry) };
    },
  },
});

const accessorDestroy = definePath<AppRoleContext>({
  pattern: 'role/:name/secret-id-accessor/destroy',
  synopsis: 'Destroy a secret ID, named by its accessor',
  help: 'As secret-id/destroy, for the secret ID with this accessor. 404 for an unknown accessor.',
  fields: { secret_id_accessor: accessorField },
  required: ['secret_id_accessor'],
  strict: true,
  operations: {
    update: async ({ params, data }, ctx) => {
      await requireRole(ctx, params.name!);
      const accessor = data.secret_id_accessor as string;
      if (!(await ctx.approles.destroyAccessor(params.name!, accessor))) throw accessorNotFound(accessor);
    },
  },
});

export const appRoleSecretIdPaths: PathDefinition<AppRoleContext>[] = [secretId, secretIdLookup, secretIdDestroy, accessorLookup, accessorDestroy];
