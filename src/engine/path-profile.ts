import { definePath } from '../framework/path.js';
import { enrollFields } from '../lifecycle/enroll-request.js';
import { availableProfiles, downloadProfile, parseProfileId } from '../lifecycle/profiles.js';
import type { EngineContext } from './context.js';

export const profilePath = definePath<EngineContext>({
  pattern: 'profile/:config/:type_id',
  synopsis: 'Download, read or delete an SCM certificate profile',
  help: `**write** downloads the config's certificate profiles from SCM (\`GET /api/ssl/v1/types\`, or
\`/api/smime/v1/types\` for a client_cert config) and stores the one whose \`id\` is \`<type_id>\`, the value
you enroll with as \`sectigo_ssl_cert_type\` / \`sectigo_client_cert_type\`. \`sectigo_cm_org_id\` narrows
the download to one organization's profiles. An id SCM does not have is a 404 naming the ids it has.

While a profile is stored, enroll (and replace, when given the type) checks the key algorithm and size and
the validity against it before anything is sent to SCM.

**read** returns the stored profile as SCM sent it (\`id\`, \`name\`, \`description\`, \`terms\`, \`keyTypes\`,
\`useSecondaryOrgName\`). **delete** removes the stored copy (checks stop).`,
  fields: {
    sectigo_cm_org_id: { ...enrollFields.sectigo_cm_org_id, description: 'Only profiles this organization or department may use' },
  },
  operations: {
    update: async (req, ctx) => {
      const orgId = req.data.sectigo_cm_org_id as number | undefined;
      const profile = await downloadProfile(ctx.lifecycle, req.params.config, parseProfileId(req.params.type_id), orgId);
      return { data: { ...profile } };
    },
    read: async (req, ctx) => ({
      data: { ...(await ctx.lifecycle.profiles.require(req.params.config, parseProfileId(req.params.type_id))) },
    }),
    delete: async (req, ctx) => {
      const typeId = parseProfileId(req.params.type_id);
      await ctx.lifecycle.profiles.require(req.params.config, typeId);
      await ctx.lifecycle.profiles.delete(req.params.config, typeId);
    },
  },
});

export const profileListPath = definePath<EngineContext>({
  pattern: 'profile/:config',
  synopsis: 'List the profiles stored under a config entry, or those SCM offers it',
  help: `Lists the profile ids (\`<type_id>\`) downloaded for the config entry.

With \`available=true\` it asks SCM instead which profiles the config's organization (\`sectigo_cm_org_id\`) may
use (\`GET /api/ssl/v1/types?organizationId=\`, or \`/api/smime/v1/types\` for a client_cert config) and lists
their ids, with \`key_info\` giving each profile's \`name\`, \`description\`, \`terms\` (days) and \`key_types\`
(algorithm → sizes or curves): the values to enroll with as \`sectigo_ssl_cert_type\` /
\`sectigo_client_cert_type\`, \`sectigo_ssl_cert_validity\` and \`sectigo_csr_key_algo\` / \`sectigo_csr_key_size\`.
Nothing is stored; \`write profile/<config>/<type_id>\` stores one for enroll checks.`,
  fields: {
    available: { type: 'boolean', description: 'List the profiles SCM offers the config\'s organization (asks SCM) instead of the stored ones' },
  },
  operations: {
    list: async (req, ctx) => {
      if (req.data.available !== true) return { data: { keys: await ctx.lifecycle.profiles.list(req.params.config) } };
      const profiles = await availableProfiles(ctx.lifecycle, req.params.config);
      if (profiles.length === 0) return undefined;
      const info = profiles.map((p) => [
        String(p.id),
        { name: p.name, description: p.description ?? '', terms: p.terms, key_types: p.keyTypes ?? {} },
      ]);
      return { data: { keys: info.map(([id]) => id), key_info: Object.fromEntries(info) } };
    },
  },
});
