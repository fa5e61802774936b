/**
 * `sys/mounts`: the list `vault secrets list` and hvac read (the Sectigo
 * engine and every PKI mount, with their types), and `sys/mounts/<path>` to
 * mount (`{"type":"pki"}`, as `vault secrets enable -path=pki_int pki`
 * sends) or unmount a PKI engine. Bodies carry the exact JSON types Vault's
 * Go client decodes into.
 */
import { UserError } from '../errors.js';
import { definePath, type PathDefinition } from '../framework/path.js';
import type { PkiMountEntry, PkiMountTable } from './mount-table.js';

export interface MountsContext {
  table: PkiMountTable;
  /** The Sectigo engine's mount, without slashes. */
  engineMount: string;
  clusterId: string;
  version: string;
}

function mountEntry(fields: { accessor: string; description: string; type: string; uuid: string; runningVersion: string }): Record<string, unknown> {
  return {
    accessor: fields.accessor,
    config: { default_lease_ttl: 0, max_lease_ttl: 0, force_no_cache: false },
    description: fields.description,
    external_entropy_access: false,
    local: false,
    options: null,
    plugin_version: '',
    running_plugin_version: fields.runningVersion,
    running_sha256: '',
    seal_wrap: false,
    type: fields.type,
    uuid: fields.uuid,
  };
}

function pkiMountEntry(entry: PkiMountEntry, ctx: MountsContext): Record<string, unknown> {
  return mountEntry({ ...entry, runningVersion: ctx.version });
}

const list = definePath<MountsContext>({
  pattern: '',
  synopsis: 'Mounted engines, for `vault secrets list`',
  help: 'Lists the Sectigo engine and every PKI mount. As in Vault, the mounts appear both at the top level and under `data`.',
  fields: {},
  operations: {
    read: async ({ requestId }, ctx) => {
      const entries: Record<string, unknown> = {
        [`${ctx.engineMount}/`]: mountEntry({
          accessor: `sectigo_${ctx.clusterId.slice(0, 8)}`,
          description: 'Sectigo Certificate Manager certificates (scmpki)',
          type: 'sectigo-vault-pki',
          uuid: ctx.clusterId,
          runningVersion: ctx.version,
        }),
      };
      for (const [path, entry] of ctx.table.entries()) entries[`${path}/`] = pkiMountEntry(entry, ctx);
      return {
        raw: {
          status: 200,
          body: { ...entries, request_id: requestId, lease_id: '', renewable: false, lease_duration: 0, data: entries, wrap_info: null, warnings: null, auth: null },
        },
      };
    },
  },
});

const one = definePath<MountsContext>({
  pattern: ':path',
  synopsis: 'Mount, read or unmount a PKI engine',
  help: `POST with \`{"type": "pki"}\` mounts a PKI engine over SCM at the path (one segment, such as \`pki_int\`);
its roles name the scmpki config entries it orders with. DELETE unmounts it and deletes its roles; the
certificates it ordered stay with their config entries. Other engine types cannot be mounted.`,
  fields: {
    type: { type: 'string', maxLength: 64, description: 'Engine type: only "pki"' },
    description: { type: 'string', maxLength: 1024, description: 'Shown by `vault secrets list`' },
    config: { type: 'object', description: 'Accepted for compatibility (lease settings do not apply)' },
    options: { type: ['object', 'null'], description: 'Accepted for compatibility' },
    local: { type: 'boolean', description: 'Accepted for compatibility' },
    seal_wrap: { type: 'boolean', description: 'Accepted for compatibility' },
    plugin_name: { type: 'string', maxLength: 128, description: 'Accepted for compatibility' },
    plugin_version: { type: 'string', maxLength: 128, description: 'Accepted for compatibility (`vault secrets enable` sends it)' },
    external_entropy_access: { type: 'boolean', description: 'Accepted for compatibility (`vault secrets enable` sends it)' },
  },
  operations: {
    read: async ({ params }, ctx) => {
      const found = ctx.table.entries().find(([path]) => path === params.path);
      return found ? { data: pkiMountEntry(found[1], ctx) } : undefined;
    },
    update: async ({ params, data }, ctx) => {
      if (data.type !== 'pki') {
        throw new UserError(`type: ${JSON.stringify(data.type ?? '')} cannot be mounted; scmpki mounts PKI engines over SCM ("pki") only`);
      }
      await ctx.table.mount(params.path, typeof data.description === 'string' ? data.description : '');
    },
    delete: async ({ params }, ctx) => {
      await ctx.table.unmount(params.path);
    },
  },
});

export const mountsPaths: PathDefinition<MountsContext>[] = [list, one];
