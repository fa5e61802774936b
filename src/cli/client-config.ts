/**
 * Where the CLI connects and as whom, from the same environment variables and
 * token file as the `vault` CLI, so an existing shell setup just works.
 * Flags (-address, -ca-cert, -tls-skip-verify) win over the environment.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { LocalError } from './local-error.js';

/**
 * Vault's own default is https://127.0.0.1:8200, but `scmpki server -dev`
 * listens on plain HTTP on loopback, so the default here is the address a
 * first-time user actually has running.
 */
export const DEFAULT_ADDRESS = 'http://127.0.0.1:8200';
const DEFAULT_TIMEOUT_SECONDS = 60;

export interface ClientConfig {
  address: string;
  token: string | undefined;
  /** PEM text of the CA bundle to trust, from VAULT_CACERT / -ca-cert. */
  caCert: string | undefined;
  skipVerify: boolean;
  timeoutSeconds: number;
}

export interface ConnectionFlags {
  address?: string;
  'ca-cert'?: string;
  'tls-skip-verify'?: boolean;
}

export async function resolveClientConfig(flags: ConnectionFlags, env: NodeJS.ProcessEnv): Promise<ClientConfig> {
  const caCertFile = flags['ca-cert'] || env.VAULT_CACERT;
  return {
    address: (flags.address || env.VAULT_ADDR || DEFAULT_ADDRESS).replace(/\/+$/, ''),
    token: env.VAULT_TOKEN || (await readTokenFile(env)),
    caCert: caCertFile ? await readCaCert(caCertFile) : undefined,
    skipVerify: flags['tls-skip-verify'] === true || parseEnvBool(env, 'VAULT_SKIP_VERIFY'),
    timeoutSeconds: env.VAULT_CLIENT_TIMEOUT
      ? parseDurationSeconds(env.VAULT_CLIENT_TIMEOUT, 'VAULT_CLIENT_TIMEOUT')
      : DEFAULT_TIMEOUT_SECONDS,
  };
}

/** ~/.vault-token, the file `vault login` and `scmpki login` write. HOME is honoured. */
export function tokenFilePath(env: NodeJS.ProcessEnv): string {
  return join(env.HOME || homedir(), '.vault-token');
}

async function readTokenFile(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  try {
    return (await readFile(tokenFilePath(env), 'utf8')).trim() || undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new LocalError(`error reading token file ${tokenFilePath(env)}: ${(err as Error).message}`);
  }
}

async function readCaCert(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new LocalError(`error reading CA certificate ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
}

/** Go's strconv.ParseBool, which is what Vault applies to its boolean variables. */
function parseEnvBool(env: NodeJS.ProcessEnv, name: string): boolean {
  const value = env[name];
  if (!value) return false;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  throw new LocalError(`could not parse ${name}: "${value}" is not a boolean`);
}

const DURATION_UNITS: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };

/** Plain seconds ("120") or a Go duration ("2m", "1m30s"), as Vault's ParseDurationSecond. */
export function parseDurationSeconds(text: string, name: string): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed) {
    throw new LocalError(`could not parse ${name}: "${text}" is not a number of seconds or a duration like 90s or 2m`);
  }
  return parts.reduce((sum, [, amount, unit]) => sum + Number(amount) * DURATION_UNITS[unit], 0);
}
