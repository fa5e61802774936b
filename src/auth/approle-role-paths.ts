/**
 * auth/approle/role/*: roles and their role IDs, as Vault's approle backend
 * and hvac's auth.approle.create_or_update_approle / read_role /
 * read_role_id / update_role_id call them. Token options Vault has but
 * scmpki's tokens do not (use limits, periods, batch tokens) are refused
 * when set, never silently dropped.
 */
import { randomUUID } from 'node:crypto';
import { NotFoundError, UserError } from '../errors.js';
import type { FieldSchema } from '../field-schema.js';
import { definePath, type PathDefinition } from '../framework/path.js';
import { requireRole, type AppRoleContext } from './approle-context.js';
import type { AppRoleEntry } from './approle-store.js';
import { parseCidrList } from './cidr-list.js';
import { durationField } from '../framework/go-values.js';

const policyList = (description: string): FieldSchema => ({ type: 'array', items: { type: 'string', minLength: 1, maxLength: 128 }, maxItems: 64, description });
const cidrList = (description: string, maxItems = 64): FieldSchema => ({ type: 'array', items: { type: 'string', maxLength: 64 }, maxItems, description });
const duration = (description: string): FieldSchema => ({ type: ['string', 'integer'], description });

const roleFields: Record<string, FieldSchema> = {
  role_id: { type: 'string', minLength: 1, maxLength: 4096, secret: true, description: 'The role ID (default: a random UUID); half of a login, so treat it as a credential' },
  bind_secret_id: { type: 'boolean', description: 'Require a secret ID at login (default true)' },
  secret_id_bound_cidrs: cidrList('CIDR blocks (comma string or array) logins must come from; empty = anywhere'),
  bound_cidr_list: cidrList('Legacy name of secret_id_bound_cidrs (node-vault sends it); secret_id_bound_cidrs wins when both are given'),
  secret_id_num_uses: { type: 'integer', minimum: 0, description: 'Logins each new secret ID allows; 0 = unlimited (default)' },
  secret_id_ttl: duration('Lifetime of each new secret ID: seconds or a Go duration; 0 = never expires (default)'),
  token_policies: policyList('Policies of the tokens a login issues (comma string or array)'),
  policies: policyList('Legacy name of token_policies; token_policies wins when both are given'),
  token_no_default_policy: { type: 'boolean', description: 'Leave `default` out of the tokens\' policies (default false)' },
  token_ttl: duration('Lifetime of a login token: seconds or a Go duration (default 768h, Vault\'s)'),
  token_max_ttl: duration('Limit from login no renewal can pass (default 768h)'),
  token_explicit_max_ttl: duration('A hard limit from login, as token_max_ttl (default: none)'),
  token_type: { type: 'string', enum: ['service', 'default', 'default-service'], description: 'Accepted for compatibility: logins issue service tokens' },
  token_num_uses: { type: 'integer', minimum: 0, maximum: 0, description: 'Accepted as 0 only: tokens with a use limit are not supported' },
  token_period: duration('Accepted as 0 only: periodic tokens are not supported'),
  period: duration('Legacy name of token_period; 0 only'),
  token_bound_cidrs: cidrList('CIDR blocks (comma string or array) login tokens may be used from; empty = anywhere'),
  local_secret_ids: { type: 'boolean', description: 'Accepted for compatibility; scmpki is one node' },
  enable_local_secret_ids: { type: 'boolean', description: 'Accepted for compatibility; scmpki is one node' },
};

function refuseUnsupported(data: Record<string, unknown>): void {
  for (const field of ['token_period', 'period']) {
    if (data[field] !== undefined && durationField(field, data[field]) !== 0) throw new UserError(`${field}: periodic tokens are not supported; leave it 0`);
  }
}

/** The role as written: given fields over the stored role (update) or Vault's defaults (create). */
function buildRole(name: string, data: Record<string, unknown>, existing: AppRoleEntry | undefined): AppRoleEntry {
  refuseUnsupported(data);
  const given = <T>(field: string, parse: (value: unknown) => T, fallback: T): T => (data[field] !== undefined ? parse(data[field]) : fallback);
  const seconds = (field: string) => (value: unknown) => durationField(field, value);
  const strings = (value: unknown) => value as string[];
  const policies = data.token_policies ?? data.policies;
  const secretIdCidrs = data.secret_id_bound_cidrs ?? data.bound_cidr_list;
  const role: AppRoleEntry = {
    name,
    role_id: given('role_id', (value) => String(value).trim(), existing?.role_id ?? randomUUID()),
    bind_secret_id: given('bind_secret_id', Boolean, existing?.bind_secret_id ?? true),
    secret_id_bound_cidrs: secretIdCidrs !== undefined ? parseCidrList(data.secret_id_bound_cidrs !== undefined ? 'secret_id_bound_cidrs' : 'bound_cidr_list', strings(secretIdCidrs)) : (existing?.secret_id_bound_cidrs ?? []),
    secret_id_num_uses: given('secret_id_num_uses', Number, existing?.secret_id_num_uses ?? 0),
    secret_id_ttl: given('secret_id_ttl', seconds('secret_id_ttl'), existing?.secret_id_ttl ?? 0),
    token_policies: policies !== undefined ? [...new Set(strings(policies))].sort() : (existing?.token_policies ?? []),
    token_no_default_policy: given('token_no_default_policy', Boolean, existing?.token_no_default_policy ?? false),
    token_ttl: given('token_ttl', seconds('token_ttl'), existing?.token_ttl ?? 0),
    token_max_ttl: given('token_max_ttl', seconds('token_max_ttl'), existing?.token_max_ttl ?? 0),
    token_explicit_max_ttl: given('token_explicit_max_ttl', seconds('token_explicit_max_ttl'), existing?.token_explicit_max_ttl ?? 0),
    token_bound_cidrs: given('token_bound_cidrs', (value) => parseCidrList('token_bound_cidrs', strings(value)), existing?.token_bound_cidrs ?? []),
  };
  if (role.role_id === '') throw new UserError('role_id: must not be empty');
  if (role.token_max_ttl > 0 && role.token_ttl > role.token_max_ttl) throw new UserError("token_ttl: 'token_ttl' cannot be greater than 'token_max_ttl'");
  if (!role.bind_secret_id && role.secret_id_bound_cidrs.length === 0 && role.token_bound_cidrs!.length === 0) {
    throw new UserError('bind_secret_id: at least one constraint should be enabled on the role (bind_secret_id, secret_id_bound_cidrs or token_bound_cidrs)');
  }
  return role;
}

/** The role as Vault's read shows it, durations in seconds. */
function roleData(role: AppRoleEntry): Record<string, unknown> {
  return {
    bind_secret_id: role.bind_secret_id,
    local_secret_ids: false,
    secret_id_bound_cidrs: role.secret_id_bound_cidrs,
    secret_id_num_uses: role.secret_id_num_uses,
    secret_id_ttl: role.secret_id_ttl,
    token_bound_cidrs: role.token_bound_cidrs ?? [],
    token_explicit_max_ttl: role.token_explicit_max_ttl,
    token_max_ttl: role.token_max_ttl,
    token_no_default_policy: role.token_no_default_policy,
    token_num_uses: 0,
    token_period: 0,
    token_policies: role.token_policies,
    token_ttl: role.token_ttl,
    token_type: 'default',
    policies: role.token_policies,
    period: 0,
  };
}

const roleList = definePath<AppRoleContext>({
  pattern: 'role',
  synopsis: 'List AppRole roles',
  help: 'The names of the roles. Needs `list` on auth/approle/role.',
  fields: {},
  operations: {
    list: async (_req, ctx) => ({ data: { keys: await ctx.approles.listRoles() } }),
  },
});

const role = definePath<AppRoleContext>({
  pattern: 'role/:name',
  synopsis: 'Create, read or delete an AppRole role',
  help: [
    'A role names the policies and lifetimes of the tokens its logins get, and the rules its secret IDs follow:',
    '',
    '    vault write auth/approle/role/web-servers token_policies=web-certs token_ttl=1h token_max_ttl=4h secret_id_ttl=24h secret_id_num_uses=10',
    '',
    'A write changes only the fields it names; a new role gets a random role_id. Delete removes the role and every secret ID it issued.',
    'Tokens already issued stay valid until they expire.',
  ].join('\n'),
  fields: roleFields,
  strict: true,
  operations: {
    read: async ({ params }, ctx) => {
      const stored = await ctx.approles.getRole(params.name!);
      return stored && { data: roleData(stored) };
    },
    update: async ({ params, data }, ctx) => {
      await ctx.approles.writeRole(params.name!, (existing) => buildRole(params.name!, data, existing));
    },
    delete: async ({ params }, ctx) => {
      await ctx.approles.deleteRole(params.name!);
    },
  },
});

const roleId = definePath<AppRoleContext>({
  pattern: 'role/:name/role-id',
  synopsis: 'Read or set a role\'s role ID',
  help: 'Read returns `role_id`, which a login presents with a secret ID. Write sets a role ID of your own (`role_id`), which no other role may have.',
  fields: { role_id: roleFields.role_id! },
  required: ['role_id'],
  strict: true,
  operations: {
    read: async ({ params }, ctx) => ({ data: { role_id: (await requireRole(ctx, params.name!)).role_id } }),
    update: async ({ params, data }, ctx) => {
      await ctx.approles.writeRole(params.name!, (existing) => {
        if (!existing) throw new NotFoundError(`role "${params.name}" does not exist`);
        return buildRole(params.name!, { role_id: data.role_id }, existing);
      });
    },
  },
});

export const appRoleRolePaths: PathDefinition<AppRoleContext>[] = [roleList, role, roleId];
