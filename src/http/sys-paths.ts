/**
 * The sys endpoints Vault clients call before or around engine calls
 * (vault-compat.md §4): health (GET and HEAD, no auth), seal-status and
 * leader (`vault status`), init, mounts (`vault secrets list`) and the
 * OpenAPI document. Bodies carry the exact JSON types Vault's Go client
 * decodes into.
 */
import { definePath, type PathDefinition } from '../framework/path.js';
import type { FieldSchema } from '../field-schema.js';

export interface SysContext {
  sealed: boolean;
  version: string;
  clusterName: string;
  /** Empty while sealed: it lives in the encrypted storage. */
  clusterId: string;
  /** The engine's mount, without slashes. */
  engineMount: string;
  openApi(): Record<string, unknown>;
}

const statusCode = (description: string): FieldSchema => ({ type: 'integer', minimum: 100, maximum: 599, description });

const health = definePath<SysContext>({
  pattern: 'health',
  synopsis: 'Health of the server (no token needed)',
  help: 'GET or HEAD. 200 when serving, 503 with `sealed: true` when the seal key cannot open the storage. The status codes can be overridden as in Vault.',
  fields: {
    activecode: statusCode('Status code when serving (default 200)'),
    sealedcode: statusCode('Status code when sealed (default 503)'),
    standbyok: { type: 'boolean', description: 'Accepted for compatibility; scmpki has no standbys' },
    standbycode: statusCode('Accepted for compatibility; scmpki has no standbys'),
    perfstandbyok: { type: 'boolean', description: 'Accepted for compatibility' },
    performancestandbycode: statusCode('Accepted for compatibility'),
    drsecondarycode: statusCode('Accepted for compatibility'),
    uninitcode: statusCode('Accepted for compatibility; scmpki is always initialised'),
  },
  operations: {
    read: async ({ data }, ctx) => ({
      raw: {
        status: ctx.sealed ? ((data.sealedcode as number | undefined) ?? 503) : ((data.activecode as number | undefined) ?? 200),
        body: {
          initialized: true,
          sealed: ctx.sealed,
          standby: false,
          performance_standby: false,
          replication_performance_mode: 'disabled',
          replication_dr_mode: 'disabled',
          server_time_utc: Math.floor(Date.now() / 1000),
          version: ctx.version,
          cluster_name: ctx.clusterName,
          cluster_id: ctx.clusterId,
        },
      },
    }),
  },
});

const sealStatus = definePath<SysContext>({
  pattern: 'seal-status',
  synopsis: 'Seal status, as `vault status` reads it (no token needed)',
  help: 'Always 200, as in Vault; `sealed` is true when the seal key cannot open the storage.',
  fields: {},
  operations: {
    read: async (_req, ctx) => ({
      raw: {
        status: 200,
        body: {
          type: 'shamir',
          initialized: true,
          sealed: ctx.sealed,
          t: 1,
          n: 1,
          progress: 0,
          nonce: '',
          version: ctx.version,
          build_date: '',
          migration: false,
          recovery_seal: false,
          storage_type: 'leveldb',
          ...(ctx.sealed ? {} : { cluster_name: ctx.clusterName, cluster_id: ctx.clusterId }),
        },
      },
    }),
  },
});

const leader = definePath<SysContext>({
  pattern: 'leader',
  synopsis: 'HA leader (scmpki is a single node; no token needed)',
  help: '`vault status` calls this after seal-status and fails without it.',
  fields: {},
  operations: {
    read: async () => ({
      raw: {
        status: 200,
        body: {
          ha_enabled: false,
          is_self: false,
          // Go decodes this into time.Time: it must be RFC 3339, never "".
          active_time: '0001-01-01T00:00:00Z',
          leader_address: '',
          leader_cluster_address: '',
          performance_standby: false,
          performance_standby_last_remote_wal: 0,
        },
      },
    }),
  },
});

const init = definePath<SysContext>({
  pattern: 'init',
  synopsis: 'Initialisation status (always initialised; no token needed)',
  help: 'scmpki initialises its storage at first start, so this is always `{"initialized": true}`.',
  fields: {},
  operations: { read: async () => ({ raw: { status: 200, body: { initialized: true } } }) },
});

function engineMountEntry(ctx: SysContext): Record<string, unknown> {
  return {
    accessor: `sectigo_${ctx.clusterId.slice(0, 8)}`,
    config: { default_lease_ttl: 0, max_lease_ttl: 0, force_no_cache: false },
    description: 'Sectigo Certificate Manager certificates (scmpki)',
    external_entropy_access: false,
    local: false,
    options: null,
    plugin_version: '',
    running_plugin_version: ctx.version,
    running_sha256: '',
    seal_wrap: false,
    type: 'sectigo-vault-pki',
    uuid: ctx.clusterId,
  };
}

const mounts = definePath<SysContext>({
  pattern: 'mounts',
  synopsis: 'Mounted engines, for `vault secrets list`',
  help: 'Lists the engine mount. As in Vault, the mounts appear both at the top level and under `data`.',
  fields: {},
  operations: {
    read: async ({ requestId }, ctx) => {
      const entries = { [`${ctx.engineMount}/`]: engineMountEntry(ctx) };
      return {
        raw: {
          status: 200,
          body: {
            ...entries,
            request_id: requestId,
            lease_id: '',
            renewable: false,
            lease_duration: 0,
            data: entries,
            wrap_info: null,
            warnings: null,
            auth: null,
          },
        },
      };
    },
  },
});

const openApi = definePath<SysContext>({
  pattern: 'internal/specs/openapi',
  synopsis: 'OpenAPI 3 document of every path',
  help: 'Generated from the same path table that routes requests.',
  fields: {},
  operations: { read: async (_req, ctx) => ({ raw: { status: 200, body: ctx.openApi() } }) },
});

export const sysPaths: PathDefinition<SysContext>[] = [health, sealStatus, leader, init, mounts, openApi];
