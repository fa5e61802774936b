/**
 * The sys endpoints Vault clients call before or around engine calls
 * (vault-compat.md §4): health (GET and HEAD, no auth), seal-status and
 * leader (`vault status`), init and the OpenAPI document (`sys/mounts` is
 * vault-pki/mount-paths.ts, mounted beside these). Bodies carry the exact JSON types Vault's Go client
 * decodes into.
 */
import { definePath, type PathDefinition } from '../framework/path.js';
import type { FieldSchema } from '../field-schema.js';

/** This replica's view of the leader of background work (cluster/leadership.ts). */
export interface LeaderView {
  haEnabled: boolean;
  isSelf: boolean;
  /** RFC 3339; absent when not known. */
  activeTime?: string;
  leaderAddress: string;
}

export interface SysContext {
  sealed: boolean;
  /** `leveldb` or `postgresql`: seal-status's `storage_type`. */
  storageType: string;
  leader(): LeaderView;
  version: string;
  clusterName: string;
  /** Empty while sealed: it lives in the encrypted storage. */
  clusterId: string;
  openApi(): Record<string, unknown>;
}

const statusCode = (description: string): FieldSchema => ({ type: 'integer', minimum: 100, maximum: 599, description });

const health = definePath<SysContext>({
  pattern: 'health',
  synopsis: 'Health of the server (no token needed)',
  help:
    'GET or HEAD. 200 on the leader (or a single server), 429 with `standby: true` on a standby replica, 503 with `sealed: true` when the seal key cannot open the storage. ' +
    'The status codes can be overridden as in Vault. Unlike a Vault standby, a scmpki standby serves every request itself: only background work is the leader\'s, ' +
    'so a load balancer should check `?standbyok=true`.',
  fields: {
    activecode: statusCode('Status code when serving (default 200)'),
    sealedcode: statusCode('Status code when sealed (default 503)'),
    standbyok: { type: 'boolean', description: 'Answer a standby with the active status code (as Vault)' },
    standbycode: statusCode('Status code on a standby replica (default 429)'),
    perfstandbyok: { type: 'boolean', description: 'Accepted for compatibility' },
    performancestandbycode: statusCode('Accepted for compatibility'),
    drsecondarycode: statusCode('Accepted for compatibility'),
    uninitcode: statusCode('Accepted for compatibility; scmpki is always initialised'),
  },
  operations: {
    read: async ({ data }, ctx) => ({
      raw: {
        status: healthStatus(data, ctx),
        body: {
          initialized: true,
          sealed: ctx.sealed,
          standby: isStandby(ctx),
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

/** A replica of an HA cluster that does not lead; a single server never is one. */
function isStandby(ctx: SysContext): boolean {
  const leader = ctx.leader();
  return !ctx.sealed && leader.haEnabled && !leader.isSelf;
}

/** Vault's order: sealed, then standby (unless `standbyok`), then active. */
function healthStatus(data: Record<string, unknown>, ctx: SysContext): number {
  if (ctx.sealed) return (data.sealedcode as number | undefined) ?? 503;
  if (isStandby(ctx) && data.standbyok !== true) return (data.standbycode as number | undefined) ?? 429;
  return (data.activecode as number | undefined) ?? 200;
}

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
          storage_type: ctx.storageType,
          ...(ctx.sealed ? {} : { cluster_name: ctx.clusterName, cluster_id: ctx.clusterId }),
        },
      },
    }),
  },
});

const leader = definePath<SysContext>({
  pattern: 'leader',
  synopsis: 'Which replica leads background work (no token needed)',
  help:
    '`vault status` calls this after seal-status and fails without it. A single server (LevelDB) reports `ha_enabled: false`. ' +
    'Replicas on PostgreSQL report `ha_enabled: true`, whether this one leads (`is_self`), since when (`active_time`) and the leader\'s `api_addr` (`leader_address`). ' +
    'scmpki has no cluster port, so `leader_cluster_address` is empty, and no request is forwarded: every replica serves requests itself.',
  fields: {},
  operations: {
    read: async (_req, ctx) => {
      const view = ctx.leader();
      return {
        raw: {
          status: 200,
          body: {
            ha_enabled: view.haEnabled,
            is_self: view.isSelf,
            // Go decodes this into time.Time: it must be RFC 3339, never "".
            active_time: view.activeTime ?? '0001-01-01T00:00:00Z',
            leader_address: view.leaderAddress,
            leader_cluster_address: '',
            performance_standby: false,
            performance_standby_last_remote_wal: 0,
          },
        },
      };
    },
  },
});

const init = definePath<SysContext>({
  pattern: 'init',
  synopsis: 'Initialisation status (always initialised; no token needed)',
  help: 'scmpki initialises its storage at first start, so this is always `{"initialized": true}`.',
  fields: {},
  operations: { read: async () => ({ raw: { status: 200, body: { initialized: true } } }) },
});

const openApi = definePath<SysContext>({
  pattern: 'internal/specs/openapi',
  synopsis: 'OpenAPI 3 document of every path',
  help: 'Generated from the same path table that routes requests.',
  fields: {},
  operations: { read: async (_req, ctx) => ({ raw: { status: 200, body: ctx.openApi() } }) },
});

export const sysPaths: PathDefinition<SysContext>[] = [health, sealStatus, leader, init, openApi];
