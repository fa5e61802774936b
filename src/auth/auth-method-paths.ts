/**
 * sys/auth: what `vault auth list|enable|disable` and hvac's
 * sys.list_auth_methods / enable_auth_method / disable_auth_method call.
 * Enabling and disabling need `sudo` on the path (root-protected in Vault,
 * and in enforce-policies.ts here): whoever can add a login can mint tokens.
 */
import { UserError } from '../errors.js';
import { definePath, type PathDefinition } from '../framework/path.js';
import type { AppRoleStore } from './approle-store.js';
import { APPROLE, TOKEN, type AuthMethods, type EnabledMethod } from './auth-methods.js';

export interface AuthMethodContext {
  methods: AuthMethods;
  approles: AppRoleStore;
  version: string;
}

/** Vault's mount entry, with the JSON types its Go client decodes into. */
function methodEntry(method: EnabledMethod, version: string): Record<string, unknown> {
  return {
    accessor: method.accessor,
    config: { default_lease_ttl: 0, max_lease_ttl: 0, force_no_cache: false, token_type: 'default-service' },
    description: method.description,
    external_entropy_access: false,
    local: false,
    options: null,
    plugin_version: '',
    running_plugin_version: `v${version}+builtin.scmpki`,
    running_sha256: '',
    seal_wrap: false,
    type: method.type,
    uuid: method.uuid,
  };
}

const authMethods = definePath<AuthMethodContext>({
  pattern: '',
  synopsis: 'List the enabled auth methods',
  help: 'The enabled auth methods keyed `<path>/`: `token/` always, `approle/` once enabled. At the top level and under `data`, as in Vault.',
  fields: {},
  operations: {
    read: async (req, ctx) => {
      const entries = Object.fromEntries(Object.entries(ctx.methods.enabled()).map(([path, method]) => [`${path}/`, methodEntry(method, ctx.version)]));
      return { raw: { status: 200, body: { ...entries, request_id: req.requestId, lease_id: '', renewable: false, lease_duration: 0, data: entries, wrap_info: null, warnings: null, auth: null } } };
    },
  },
});

const authMethod = definePath<AuthMethodContext>({
  pattern: ':path',
  synopsis: 'Enable or disable an auth method',
  help: [
    'Write enables the AppRole auth method at `approle` (the only path and type scmpki offers besides `token`):',
    '',
    '    vault auth enable approle',
    '',
    'Enabling it again changes nothing and answers 204. Delete disables it and deletes every role and secret ID;',
    'tokens it issued stay valid until they expire. `token` cannot be disabled. Needs `sudo`.',
  ].join('\n'),
  fields: {
    type: { type: 'string', minLength: 1, maxLength: 64, description: 'Auth method type: approle' },
    description: { type: 'string', maxLength: 1024, description: 'What the method is for, shown by sys/auth' },
    config: { type: 'object', description: 'Accepted for compatibility (lease TTLs, audit keys); scmpki uses its own defaults' },
    local: { type: 'boolean', description: 'Accepted for compatibility; scmpki is one node' },
    seal_wrap: { type: 'boolean', description: 'Accepted for compatibility' },
    external_entropy_access: { type: 'boolean', description: 'Accepted for compatibility' },
    options: { type: 'object', description: 'Accepted for compatibility' },
    plugin_name: { type: 'string', description: 'Accepted for compatibility; only the built-in approle exists' },
  },
  required: ['type'],
  // Not strict: the vault CLI and hvac send fields of their own.
  operations: {
    update: async ({ params, data }, ctx) => {
      const path = params.path!;
      const type = data.type as string;
      if (type !== APPROLE) throw new UserError(`type: "${type}" is not supported; scmpki offers the approle auth method (besides token)`);
      if (path !== APPROLE) throw new UserError(`path: approle can only be enabled at "approle", not "${path}"`);
      await ctx.methods.enable(path, type, (data.description as string | undefined) ?? '');
    },
    delete: async ({ params }, ctx) => {
      if (params.path === TOKEN) throw new UserError('path: the token auth method cannot be disabled');
      await ctx.methods.disable(params.path!, () => ctx.approles.deleteAllRoles());
    },
  },
});

/** Mounted at `sys/auth`. */
export const authMethodPaths: PathDefinition<AuthMethodContext>[] = [authMethods, authMethod];
