/**
 * The agent's configuration file (JSON, or YAML for `.yaml`/`.yml`): where
 * the server is, how often to look, and which certificates to keep on disk
 * where. Validated with ajv so a typo fails at start-up with the field named,
 * not at 3 a.m. when the first renewal is due.
 */
import { readFile } from 'node:fs/promises';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { Ajv, type ErrorObject, type JSONSchemaType } from 'ajv';
import { parseDurationSeconds } from '../client-config.js';
import { LocalError } from '../local-error.js';
import { yaml } from '../yaml-library.js';
import type { Pkcs12Encryption } from '../../pki/index.js';

interface CertificateEntryInput {
  path: string;
  dir?: string;
  cert_file?: string;
  key_file?: string;
  chain_file?: string;
  fullchain_file?: string;
  expiry_window_days?: number;
  collect_timeout?: string;
  reload_command?: string;
  /** Octal text ("0644") for cert, chain and fullchain; the key is always 0600. */
  file_mode?: string;
  uid?: number;
  gid?: number;
  pkcs12_file?: string;
  pkcs12_password_file?: string;
  pkcs12_password_env?: string;
  pkcs12_friendly_name?: string;
  pkcs12_encryption?: Pkcs12Encryption;
}

interface AppRoleAuthInput {
  method: 'approle';
  role_id_file: string;
  secret_id_file: string;
  remove_secret_id_file_after_reading?: boolean;
  mount_path?: string;
}

interface AgentConfigInput {
  vault_addr?: string;
  token?: string;
  auth?: AppRoleAuthInput;
  ca_cert?: string;
  tls_skip_verify?: boolean;
  interval?: string;
  retry_initial?: string;
  retry_max?: string;
  reload_timeout?: string;
  certificates: CertificateEntryInput[];
}

/** Go-style durations, as everywhere else in scmpki: "300", "90s", "5m", "1h30m". */
const duration = { type: 'string', minLength: 1, nullable: true } as const;
const fileName = { type: 'string', minLength: 1, nullable: true } as const;

const schema: JSONSchemaType<AgentConfigInput> = {
  type: 'object',
  additionalProperties: false,
  required: ['certificates'],
  properties: {
    vault_addr: { type: 'string', pattern: '^https?://', nullable: true },
    token: { type: 'string', minLength: 1, nullable: true },
    auth: {
      type: 'object',
      nullable: true,
      additionalProperties: false,
      required: ['method', 'role_id_file', 'secret_id_file'],
      properties: {
        method: { type: 'string', const: 'approle' },
        role_id_file: { type: 'string', minLength: 1 },
        secret_id_file: { type: 'string', minLength: 1 },
        remove_secret_id_file_after_reading: { type: 'boolean', nullable: true },
        mount_path: { type: 'string', pattern: '^[A-Za-z0-9_-][A-Za-z0-9._-]*$', nullable: true },
      },
    },
    ca_cert: { type: 'string', minLength: 1, nullable: true },
    tls_skip_verify: { type: 'boolean', nullable: true },
    interval: duration,
    retry_initial: duration,
    retry_max: duration,
    reload_timeout: duration,
    certificates: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['path'],
        properties: {
          path: { type: 'string', pattern: '^/*[^/\\s]+(/[^/\\s]+)+/*$' },
          dir: fileName,
          cert_file: fileName,
          key_file: fileName,
          chain_file: fileName,
          fullchain_file: fileName,
          expiry_window_days: { type: 'integer', minimum: 1, maximum: 3650, nullable: true },
          collect_timeout: duration,
          reload_command: { type: 'string', minLength: 1, nullable: true },
          file_mode: { type: 'string', pattern: '^0?[0-7]{3}$', nullable: true },
          uid: { type: 'integer', minimum: 0, nullable: true },
          gid: { type: 'integer', minimum: 0, nullable: true },
          pkcs12_file: fileName,
          pkcs12_password_file: fileName,
          pkcs12_password_env: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', nullable: true },
          pkcs12_friendly_name: { type: 'string', minLength: 1, maxLength: 128, nullable: true },
          pkcs12_encryption: { type: 'string', enum: ['aes256', '3des'], nullable: true },
        },
      },
    },
  },
};

const validate = new Ajv({ allErrors: true }).compile(schema);

/** The four files the agent keeps, in the order they are replaced (see atomic-files.ts). */
export const OUTPUT_FILES = ['key', 'cert', 'chain', 'fullchain'] as const;
export type OutputFile = (typeof OUTPUT_FILES)[number];

export interface CertificateTarget {
  /** The Vault path read, e.g. `sectigo-vault-pki/certs/demo/123_demo`, without slashes around it. */
  path: string;
  files: Record<OutputFile, string>;
  expiryWindowDays: number | undefined;
  /** Seconds one read may wait for SCM to issue (sent as sectigo_max_timeout); the server's default when unset. */
  collectTimeoutSeconds: number | undefined;
  reloadCommand: string | undefined;
  fileMode: number;
  owner: { uid: number; gid: number } | undefined;
  /** A PKCS#12 key store written beside the PEM files, when asked for. */
  pkcs12: KeyStoreTarget | undefined;
}

export interface KeyStoreTarget {
  file: string;
  /** Exactly one of the two is set; read on every cycle, so a rotated password is picked up. */
  passwordFile: string | undefined;
  passwordEnv: string | undefined;
  /** Default: the record's cert_unique_id. */
  friendlyName: string | undefined;
  encryption: Pkcs12Encryption | undefined;
}

/** `auth: {method: approle, …}`: the agent logs in itself instead of using a fixed token. */
export interface AppRoleLogin {
  roleIdFile: string;
  secretIdFile: string;
  /** As Vault Agent's option of the same name (default true): the secret ID lives on disk only until read. */
  removeSecretIdFile: boolean;
  /** The auth mount, without slashes (default `approle`). */
  mountPath: string;
}

export interface AgentConfig {
  vaultAddr: string | undefined;
  token: string | undefined;
  approle: AppRoleLogin | undefined;
  caCertFile: string | undefined;
  tlsSkipVerify: boolean;
  intervalMs: number;
  retryInitialMs: number;
  retryMaxMs: number;
  reloadTimeoutMs: number;
  certificates: CertificateTarget[];
}

const DEFAULT_FILE_NAMES: Record<OutputFile, string> = {
  cert: 'cert.pem',
  key: 'key.pem',
  chain: 'chain.pem',
  fullchain: 'fullchain.pem',
};

export async function loadAgentConfig(file: string): Promise<AgentConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new LocalError(`error reading agent config ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
  return parseAgentConfig(text, file);
}

/** `source` names the file in messages and anchors relative paths in it. */
export function parseAgentConfig(text: string, source: string): AgentConfig {
  const isYaml = ['.yaml', '.yml'].includes(extname(source).toLowerCase());
  let input: unknown;
  try {
    input = isYaml ? yaml().parse(text) : JSON.parse(text);
  } catch (err) {
    throw new LocalError(`agent config ${source}: not valid ${isYaml ? 'YAML' : 'JSON'}: ${(err as Error).message}`);
  }
  if (!validate(input)) {
    const problems = (validate.errors ?? []).map(describeProblem);
    throw new LocalError(`agent config ${source}: ${problems.join('; ')}`);
  }
  const base = dirname(resolve(source));
  const milliseconds = (value: string | undefined, field: string, fallbackSeconds: number): number => {
    if (value === undefined) return fallbackSeconds * 1000;
    const parsed = parseDurationSeconds(value, `agent config ${source}: ${field}`);
    if (!(parsed > 0)) throw new LocalError(`agent config ${source}: ${field}: must be a positive duration`);
    return parsed * 1000;
  };
  const config: AgentConfig = {
    vaultAddr: input.vault_addr?.replace(/\/+$/, ''),
    token: input.token,
    approle: input.auth && {
      roleIdFile: resolve(base, input.auth.role_id_file),
      secretIdFile: resolve(base, input.auth.secret_id_file),
      removeSecretIdFile: input.auth.remove_secret_id_file_after_reading ?? true,
      mountPath: input.auth.mount_path ?? 'approle',
    },
    caCertFile: input.ca_cert && resolve(base, input.ca_cert),
    tlsSkipVerify: input.tls_skip_verify ?? false,
    intervalMs: milliseconds(input.interval, 'interval', 300),
    retryInitialMs: milliseconds(input.retry_initial, 'retry_initial', 5),
    retryMaxMs: milliseconds(input.retry_max, 'retry_max', 300),
    reloadTimeoutMs: milliseconds(input.reload_timeout, 'reload_timeout', 120),
    certificates: input.certificates.map((entry, index) => certificateTarget(entry, `certificates[${index}]`, base, source)),
  };
  if (config.token !== undefined && config.approle !== undefined) {
    throw new LocalError(`agent config ${source}: auth: give either token or auth, not both`);
  }
  if (config.retryMaxMs < config.retryInitialMs) {
    throw new LocalError(`agent config ${source}: retry_max: must not be shorter than retry_initial`);
  }
  assertDistinctFiles(config.certificates, source);
  return config;
}

function certificateTarget(entry: CertificateEntryInput, field: string, base: string, source: string): CertificateTarget {
  const dir = entry.dir === undefined ? undefined : resolve(base, entry.dir);
  const fileOf = (name: OutputFile): string => {
    const given = entry[`${name}_file`];
    if (given !== undefined) return isAbsolute(given) ? given : resolve(dir ?? base, given);
    if (dir === undefined) {
      throw new LocalError(`agent config ${source}: ${field}.${name}_file: required when ${field}.dir is not set`);
    }
    return join(dir, DEFAULT_FILE_NAMES[name]);
  };
  if ((entry.uid === undefined) !== (entry.gid === undefined)) {
    throw new LocalError(`agent config ${source}: ${field}: uid and gid must be given together`);
  }
  return {
    pkcs12: keyStoreTarget(entry, field, source, (given) => (isAbsolute(given) ? given : resolve(dir ?? base, given)), base),
    path: entry.path.replace(/^\/+|\/+$/g, ''),
    files: { cert: fileOf('cert'), key: fileOf('key'), chain: fileOf('chain'), fullchain: fileOf('fullchain') },
    expiryWindowDays: entry.expiry_window_days,
    collectTimeoutSeconds:
      entry.collect_timeout === undefined ? undefined : parseDurationSeconds(entry.collect_timeout, `agent config ${source}: ${field}.collect_timeout`),
    reloadCommand: entry.reload_command,
    fileMode: entry.file_mode === undefined ? 0o644 : parseInt(entry.file_mode, 8),
    owner: entry.uid === undefined ? undefined : { uid: entry.uid, gid: entry.gid! },
  };
}

/** The key store goes where the other outputs go (relative to `dir`); its password file is read like `ca_cert`, relative to the config file. */
function keyStoreTarget(entry: CertificateEntryInput, field: string, source: string, place: (file: string) => string, base: string): KeyStoreTarget | undefined {
  const { pkcs12_file: file, pkcs12_password_file: passwordFile, pkcs12_password_env: passwordEnv } = entry;
  if (file === undefined) {
    const stray = (['pkcs12_password_file', 'pkcs12_password_env', 'pkcs12_friendly_name', 'pkcs12_encryption'] as const).find((name) => entry[name] !== undefined);
    if (stray) throw new LocalError(`agent config ${source}: ${field}.${stray}: only with ${field}.pkcs12_file`);
    return undefined;
  }
  if ((passwordFile === undefined) === (passwordEnv === undefined)) {
    throw new LocalError(`agent config ${source}: ${field}.pkcs12_file: needs exactly one of pkcs12_password_file and pkcs12_password_env`);
  }
  return {
    file: place(file),
    passwordFile: passwordFile && resolve(base, passwordFile),
    passwordEnv,
    friendlyName: entry.pkcs12_friendly_name,
    encryption: entry.pkcs12_encryption,
  };
}

/** Two entries writing one file would overwrite each other's key with a foreign certificate. */
function assertDistinctFiles(targets: CertificateTarget[], source: string): void {
  const seen = new Map<string, string>();
  targets.forEach((target, index) => {
    const files: Array<[string, string]> = OUTPUT_FILES.map((name) => [name, target.files[name]]);
    if (target.pkcs12) files.push(['pkcs12', target.pkcs12.file]);
    for (const [name, file] of files) {
      const owner = `certificates[${index}].${name}_file`;
      const previous = seen.get(file);
      if (previous) throw new LocalError(`agent config ${source}: ${owner}: ${file} is already written by ${previous}`);
      seen.set(file, owner);
    }
  });
}

/** `/certificates/0/path` + "must match pattern" → `certificates[0].path: must match pattern …`. */
function describeProblem(error: ErrorObject): string {
  const location = error.instancePath
    .split('/')
    .filter(Boolean)
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
  if (error.keyword === 'additionalProperties') {
    const extra = (error.params as { additionalProperty: string }).additionalProperty;
    return `${location ? `${location}.` : ''}${extra}: unknown field`;
  }
  if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty: string }).missingProperty;
    return `${location ? `${location}.` : ''}${missing}: required`;
  }
  const field = location.split('.').at(-1) ?? '';
  if (error.keyword === 'const') return `${location}: must be "${String((error.params as { allowedValue: unknown }).allowedValue)}"`;
  if (error.keyword === 'pattern' && field in PATTERN_HINTS) return `${location}: ${PATTERN_HINTS[field]}`;
  return `${location || 'config'}: ${error.message}`;
}

/** What a pattern means, in words: a regular expression is no help to whoever wrote the file. */
const PATTERN_HINTS: Record<string, string> = {
  path: 'must be a Vault path like sectigo-vault-pki/certs/<config>/<cert_unique_id>',
  file_mode: 'must be an octal mode like 0644',
  vault_addr: 'must start with http:// or https://',
  mount_path: 'must be a mount name like approle',
  pkcs12_password_env: 'must be an environment variable name like TOMCAT_KEYSTORE_PASSWORD',
};
