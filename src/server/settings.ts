/**
 * Server settings: defaults, then the JSON config file (`-config F`), then
 * `SCMPKI_<SETTING>` environment variables (SCMPKI_LISTEN_ADDRESS, …).
 * Names are the config file's keys, snake_case like Vault's own config.
 */
import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import { describeErrors } from '../framework/validation.js';
import { parseDurationSeconds } from '../framework/go-values.js';
import { DEFAULT_COLLECTOR_SETTINGS } from '../lifecycle/workers/collector.js';
import { DEFAULT_ORDER_GRACE_MS } from '../lifecycle/services.js';
import { DEFAULT_RENEWER_SETTINGS } from '../lifecycle/workers/renewer.js';
import { DEFAULT_SCM_CONCURRENCY } from '../scm/limiter.js';
import { DEFAULT_ROTATION_SETTINGS } from '../storage/key-rotation.js';
import { DEFAULT_LEASE_TIMINGS } from '../cluster/leadership.js';

export interface ServerSettings {
  /** host:port; port 0 picks a free one (tests). */
  listen_address: string;
  /** PEM files; both set → HTTPS (TLS 1.2+); one without the other is refused. */
  tls_cert_file?: string;
  tls_key_file?: string;
  /** Plain HTTP on a non-loopback address must be asked for explicitly. */
  tls_disable: boolean;
  /** Where the store lives: `leveldb` (storage_path) or `postgresql` (storage_connection_url). */
  storage_backend: 'leveldb' | 'postgresql';
  /** LevelDB directory. */
  storage_path: string;
  /** postgresql://user:password@host:port/database; holds a password, so never logged. */
  storage_connection_url?: string;
  /** PostgreSQL connections the server keeps open at most. */
  storage_max_connections: number;
  /** Created 0600 at first start; ignored when SCMPKI_SEAL_KEY is set. */
  seal_key_file: string;
  /**
   * When the seal key does not open an existing database: serve only the
   * sealed status (sys/health 503) instead of refusing to start.
   */
  serve_sealed: boolean;
  /** Engine mount, without slashes. */
  mount_path: string;
  /** The PKI engine mounted at first start (vault-pki/); "" for none. More are mounted through sys/mounts. */
  pki_mount_path: string;
  /** Bytes. */
  max_request_size: number;
  /** Seconds; accepts Go durations ("90s") in the file and env. */
  max_request_duration: number;
  log_level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Background collection of records SCM still owes (SPEC §4.4 step 6). */
  collector_enabled: boolean;
  /** Seconds between collector passes; Go durations accepted. */
  collector_interval: number;
  /** Background renewal of due auto-renew records nobody reads (SPEC §4.5). */
  renewer_enabled: boolean;
  /** Seconds between renewer passes; Go durations accepted. */
  renewer_interval: number;
  /** The renewer syncs auto-renew records with SCM before deciding on renewal. */
  sync_enabled: boolean;
  /** Seconds between syncs of one record (0 = never); Go durations accepted. */
  sync_interval: number;
  /** Seconds an SCM order call whose answer was lost may still land; Go durations accepted. */
  order_grace: number;
  /** SCM requests in flight at once, shared by all configs, requests and workers. */
  scm_max_concurrency: number;
  /** Seconds between two batches of the re-encryption after a seal key rotation (0: none); Go durations accepted. */
  rewrap_pause: number;
  /** `sys/metrics` answers without a token, as Vault's setting of that name (for a Prometheus scrape). */
  unauthenticated_metrics_access: boolean;
  /** The URL other replicas and clients reach this one at (Vault's `api_addr`); default: the listener's URL. */
  api_addr?: string;
  /** Seconds a leader lease lasts unrenewed (PostgreSQL backend); Go durations accepted. */
  ha_lease_ttl: number;
  /** Seconds between lease renewals and claims (PostgreSQL backend); Go durations accepted. */
  ha_lease_interval: number;
}

export const DEFAULT_SETTINGS: ServerSettings = {
  listen_address: '127.0.0.1:8200',
  tls_disable: false,
  storage_backend: 'leveldb',
  storage_path: './scmpki-data',
  storage_max_connections: 10,
  seal_key_file: './scmpki-seal.key',
  serve_sealed: false,
  mount_path: 'sectigo-vault-pki',
  pki_mount_path: 'pki',
  max_request_size: 1024 * 1024,
  max_request_duration: 90,
  log_level: 'info',
  collector_enabled: DEFAULT_COLLECTOR_SETTINGS.enabled,
  collector_interval: DEFAULT_COLLECTOR_SETTINGS.intervalMs / 1000,
  renewer_enabled: DEFAULT_RENEWER_SETTINGS.enabled,
  renewer_interval: DEFAULT_RENEWER_SETTINGS.intervalMs / 1000,
  sync_enabled: true,
  sync_interval: DEFAULT_RENEWER_SETTINGS.syncIntervalMs / 1000,
  order_grace: DEFAULT_ORDER_GRACE_MS / 1000,
  scm_max_concurrency: DEFAULT_SCM_CONCURRENCY,
  rewrap_pause: DEFAULT_ROTATION_SETTINGS.pauseMs / 1000,
  unauthenticated_metrics_access: false,
  ha_lease_ttl: DEFAULT_LEASE_TIMINGS.ttlMs / 1000,
  ha_lease_interval: DEFAULT_LEASE_TIMINGS.intervalMs / 1000,
};

const DURATION_SETTINGS = ['max_request_duration', 'collector_interval', 'renewer_interval', 'sync_interval', 'order_grace', 'ha_lease_ttl', 'ha_lease_interval', 'rewrap_pause'] as const;

/** A worker interval runs on setTimeout, which fires at once for delays past 2^31-1 ms (~24.8 days). */
const MAX_INTERVAL_SECONDS = 24 * 86400;

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    listen_address: { type: 'string', pattern: '^(\\[[0-9a-fA-F:]+\\]|[^:\\s]+):\\d{1,5}$' },
    tls_cert_file: { type: 'string', minLength: 1 },
    tls_key_file: { type: 'string', minLength: 1 },
    tls_disable: { type: 'boolean' },
    storage_backend: { type: 'string', enum: ['leveldb', 'postgresql'] },
    storage_path: { type: 'string', minLength: 1 },
    storage_connection_url: { type: 'string', pattern: '^postgres(ql)?://' },
    storage_max_connections: { type: 'integer', minimum: 1, maximum: 1000 },
    seal_key_file: { type: 'string', minLength: 1 },
    serve_sealed: { type: 'boolean' },
    mount_path: { type: 'string', pattern: '^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}(/[A-Za-z0-9_-][A-Za-z0-9._-]{0,127})*$' },
    pki_mount_path: { type: 'string', pattern: '^([A-Za-z0-9_-][A-Za-z0-9._-]{0,127})?$' },
    max_request_size: { type: 'integer', minimum: 1024 },
    max_request_duration: { type: 'number', exclusiveMinimum: 0 },
    log_level: { type: 'string', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
    collector_enabled: { type: 'boolean' },
    collector_interval: { type: 'number', minimum: 1, maximum: MAX_INTERVAL_SECONDS },
    renewer_enabled: { type: 'boolean' },
    renewer_interval: { type: 'number', minimum: 1, maximum: MAX_INTERVAL_SECONDS },
    sync_enabled: { type: 'boolean' },
    // Compared with record timestamps, not a timer: no setTimeout ceiling.
    sync_interval: { type: 'number', minimum: 0, maximum: 366 * 86400 },
    order_grace: { type: 'number', minimum: 0, maximum: 86400 },
    scm_max_concurrency: { type: 'integer', minimum: 1, maximum: 1024 },
    rewrap_pause: { type: 'number', minimum: 0, maximum: 60 },
    unauthenticated_metrics_access: { type: 'boolean' },
    api_addr: { type: 'string', pattern: '^https?://[^\\s/]+/?$' },
    ha_lease_ttl: { type: 'number', minimum: 0.2, maximum: 3600 },
    ha_lease_interval: { type: 'number', minimum: 0.05, maximum: 600 },
  },
};

const validate = new Ajv({ coerceTypes: true, allErrors: true }).compile(schema);

/** `SCMPKI_SEAL_KEY` is read where the key is needed, never copied into settings (they get logged). */
function fromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const name of Object.keys(schema.properties)) {
    const value = env[`SCMPKI_${name.toUpperCase()}`];
    if (value !== undefined && value !== '') values[name] = value;
  }
  return values;
}

export function resolveSettings(layers: Array<Record<string, unknown>>): ServerSettings {
  const merged: Record<string, unknown> = Object.assign({}, DEFAULT_SETTINGS, ...layers);
  for (const name of DURATION_SETTINGS) {
    const value = merged[name];
    if (typeof value !== 'string') continue;
    const seconds = parseDurationSeconds(value);
    if (seconds === undefined) throw new Error(`${name}: "${value}" is not a duration (e.g. 90s or 90)`);
    merged[name] = seconds;
  }
  if (typeof merged.mount_path === 'string') merged.mount_path = merged.mount_path.replace(/^\/+|\/+$/g, '');
  if (!validate(merged)) throw new Error(`invalid server settings: ${describeErrors(validate.errors ?? [])}`);
  // One of the pair alone used to mean plain HTTP: an operator who set one meant HTTPS.
  if ((merged.tls_cert_file === undefined) !== (merged.tls_key_file === undefined)) {
    const [set, missing] = merged.tls_cert_file === undefined ? ['tls_key_file', 'tls_cert_file'] : ['tls_cert_file', 'tls_key_file'];
    throw new Error(`invalid server settings: ${set} is set but ${missing} is not; HTTPS needs both (or neither, for plain HTTP)`);
  }
  if (merged.storage_backend === 'postgresql' && merged.storage_connection_url === undefined) {
    throw new Error('invalid server settings: storage_backend is postgresql but storage_connection_url is not set (postgresql://user:password@host:5432/database)');
  }
  // A lease renewed less often than it lasts would lapse between renewals.
  if ((merged.ha_lease_interval as number) >= (merged.ha_lease_ttl as number)) {
    throw new Error(`invalid server settings: ha_lease_interval (${merged.ha_lease_interval}s) must be shorter than ha_lease_ttl (${merged.ha_lease_ttl}s)`);
  }
  return merged as unknown as ServerSettings;
}

/** Defaults ← config file ← environment. */
export async function loadSettings(configFile: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<ServerSettings> {
  let fileValues: Record<string, unknown> = {};
  if (configFile !== undefined) {
    const text = await readFile(configFile, 'utf8');
    try {
      fileValues = JSON.parse(text) as Record<string, unknown>;
    } catch (err) {
      throw new Error(`config file ${configFile}: invalid JSON (${(err as Error).message})`);
    }
  }
  return resolveSettings([fileValues, fromEnv(env)]);
}
