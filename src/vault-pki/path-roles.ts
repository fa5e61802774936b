import { UserError } from '../errors.js';
import { durationField } from '../framework/go-values.js';
import { definePath } from '../framework/path.js';
import type { PkiEngineContext } from './context.js';
import { roleFields, roleFromRequest } from './role.js';

export const roleListPath = definePath<PkiEngineContext>({
  pattern: 'roles',
  synopsis: 'List the roles of this PKI mount',
  help: 'LIST the role names, as Vault\'s PKI engine does.',
  fields: {},
  operations: {
    list: async (_req, ctx) => ({ data: { keys: await ctx.roles.list(ctx.mount) } }),
  },
});

export const rolePath = definePath<PkiEngineContext>({
  pattern: 'roles/:name',
  synopsis: 'Write, read or delete a PKI role',
  help: `A role is Vault's issuance policy mapped onto SCM: \`config\` names the scmpki config entry (its SCM
connection, profile and term) that \`issue/<role>\` and \`sign/<role>\` order with; the name fields
(\`allowed_domains\`, \`allow_subdomains\`, \`allow_glob_domains\`, \`allow_bare_domains\`, \`allow_any_name\`,
\`enforce_hostnames\`, \`allow_ip_sans\`, \`allowed_uri_sans\`) are checked as Vault checks them. \`ttl\` and
\`max_ttl\` are mapped onto the SCM profile's terms: the shortest term at least \`ttl\` long. Writing again
updates the fields given and keeps the others.`,
  // hvac sends the name in the body too, as Vault's path field.
  fields: { ...roleFields, name: { type: 'string', maxLength: 128, description: 'The role\'s name; the path\'s wins' } },
  operations: {
    read: async ({ params }, ctx) => {
      const role = await ctx.roles.get(ctx.mount, params.name);
      return role ? { data: { ...role } } : undefined;
    },
    update: async ({ params, data }, ctx) => {
      const existing = await ctx.roles.get(ctx.mount, params.name);
      const durations = {
        ttl: data.ttl === undefined ? undefined : durationField('ttl', data.ttl),
        max_ttl: data.max_ttl === undefined ? undefined : durationField('max_ttl', data.max_ttl),
      };
      const role = roleFromRequest(data, existing, durations);
      const config = await ctx.lifecycle.configs.get(role.config);
      if (!config) throw new UserError(`config: no config entry "${role.config}" (write configs/${role.config} on the Sectigo engine first)`);
      if (config.sectigo_config_type !== 'ssl_cert') {
        throw new UserError(`config: "${role.config}" is a ${config.sectigo_config_type} entry; PKI roles order SSL certificates (an ssl_cert entry)`);
      }
      await ctx.roles.put(ctx.mount, params.name, role);
      return role.generate_lease ? { warnings: ['generate_lease: scmpki hands out no leases; revoke certificates with revoke'] } : undefined;
    },
    delete: async ({ params }, ctx) => {
      await ctx.roles.delete(ctx.mount, params.name);
    },
  },
});
