import { definePath } from '../framework/path.js';
import { enrollFields } from '../lifecycle/enroll-request.js';
import { downloadProfile, parseProfileId } from '../lifecycle/profiles.js';
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
  synopsis: 'List the profiles stored under a config entry',
  help: 'Lists the profile ids (`<type_id>`) downloaded for the config entry.',
  fields: {},
  operations: {
    list: async (req, ctx) => ({ data: { keys: await ctx.lifecycle.profiles.list(req.params.config) } }),
  },
});
