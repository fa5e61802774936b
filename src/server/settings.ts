/**
 * Server settings: defaults, then the JSON config file (`-config F`), then
 * `SCMPKI_<SETTING>` environment variables (SCMPKI_LISTEN_ADDRESS, …).
 * Names are the config file's keys, snake_case like Vault's own config.
 */
import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import { describeErrors } from '../framework/validation.js';
import { parseDurationSeconds } from '../framework/go-values.js';

export interface ServerSettings {
  /** host:port; port 0 picks a free one (tests). */
  listen_address: string;
  /** PEM files; both set → HTTPS (TLS 1.2+). */
  tls_cert_file?: string;
  tls_key_file?: string;
  /** Plain HTTP on a non-loopback address must be asked for explicitly. */
  tls_disable: boolean;
  /** LevelDB directory. */
  storage_path: string;
  /** Created 0600 at first start; ignored when SCMPKI_SEAL_KEY is set. */
  seal_key_file: string;
  /** Engine mount, without slashes. */
  mount_path: string;
  /** Bytes. */
  max_request_size: number;
  /** Seconds; accepts Go durations ("90s") in the file and env. */
  max_request_duration: number;
  log_level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export const DEFAULT_SETTINGS: ServerSettings = {
  listen_address: '127.0.0.1:8200',
  tls_disable: false,
  storage_path: './scmpki-data',
  seal_key_file: './scmpki-seal.key',
  mount_path: 'sectigo-vault-pki',
  max_request_size: 1024 * 1024,
  max_request_duration: 90,
  log_level: 'info',
};

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    listen_address: { type: 'string', pattern: '^(\\[[0-9a-fA-F:]+\\]|[^:\\s]+):\\d{1,5}$' },
    tls_cert_file: { type: 'string', minLength: 1 },
    tls_key_file: { type: 'string', minLength: 1 },
    tls_disable: { type: 'boolean' },
    storage_path: { type: 'string', minLength: 1 },
    seal_key_file: { type: 'string', minLength: 1 },
    mount_path: { type: 'string', pattern: '^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}(/[A-Za-z0-9_-][A-Za-z0-9._-]{0,127})*$' },
    max_request_size: { type: 'integer', minimum: 1024 },
    max_request_duration: { type: 'number', exclusiveMinimum: 0 },
    log_level: { type: 'string', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
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
  if (typeof merged.max_request_duration === 'string') {
    const seconds = parseDurationSeconds(merged.max_request_duration);
    if (seconds === undefined) throw new Error(`max_request_duration: "${merged.max_request_duration}" is not a duration (e.g. 90s or 90)`);
    merged.max_request_duration = seconds;
  }
  if (typeof merged.mount_path === 'string') merged.mount_path = merged.mount_path.replace(/^\/+|\/+$/g, '');
  if (!validate(merged)) throw new Error(`invalid server settings: ${describeErrors(validate.errors ?? [])}`);
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
