/**
 * Rendering a response envelope as table, JSON or YAML, one field raw, or a
 * list of keys — the `vault` CLI's output rules (command/base/format.go).
 */
import { formatGoValue, formatQuotedList, formatTable, humanDuration } from './go-format.js';
import { LocalError } from './local-error.js';
import type { Secret } from './vault-client.js';
import { yaml } from './yaml-library.js';

export const OUTPUT_FORMATS = ['table', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** -format wins over VAULT_FORMAT; `yml` is accepted as Vault accepts it. */
export function resolveFormat(flag: unknown, env: NodeJS.ProcessEnv): OutputFormat {
  const raw = String(flag || env.VAULT_FORMAT || 'table').toLowerCase();
  const format = raw === 'yml' ? 'yaml' : raw;
  if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) {
    throw new LocalError(`Invalid output format: ${raw} (use table, json or yaml)`);
  }
  return format as OutputFormat;
}

/** The warnings block Vault prints (to stderr, before the table). Empty when there are none. */
export function renderWarnings(secret: Secret | null): string {
  const warnings = secret?.warnings ?? [];
  if (warnings.length === 0) return '';
  return `WARNING! The following warnings were returned from Vault:\n\n${warnings.map((w) => `  * ${w}`).join('\n\n')}\n\n`;
}

/** The envelope in the field order of Go's api.Secret, as `vault -format=json` prints it. */
function envelope(secret: Secret): Record<string, unknown> {
  const { request_id, lease_id, lease_duration, renewable, data, warnings, auth, wrap_info, mount_type, ...rest } = secret;
  return {
    request_id: request_id ?? '',
    lease_id: lease_id ?? '',
    lease_duration: lease_duration ?? 0,
    renewable: renewable ?? false,
    data: data ?? null,
    warnings: warnings ?? null,
    ...(auth ? { auth } : {}),
    ...(wrap_info ? { wrap_info } : {}),
    ...(mount_type ? { mount_type } : {}),
    ...rest,
  };
}

export function renderStructured(value: unknown, format: 'json' | 'yaml'): string {
  return format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : yaml().stringify(value);
}

export function renderSecret(secret: Secret, format: OutputFormat): string {
  if (format !== 'table') return renderStructured(envelope(secret), format);
  const rows = [...authRows(secret.auth), ...dataRows(secret.data)];
  return rows.length > 0 ? `${formatTable(['Key', 'Value'], rows)}\n` : '';
}

function dataRows(data: Secret['data']): string[][] {
  return Object.keys(data ?? {})
    .sort()
    .map((key) => [key, formatGoValue(data![key])]);
}

/** The token rows of `vault token create` / `vault login`. */
function authRows(auth: Secret['auth']): string[][] {
  if (!auth) return [];
  const rows = [
    ['token', String(auth.client_token ?? '')],
    ['token_accessor', String(auth.accessor ?? '')],
    ['token_duration', humanDuration(Number(auth.lease_duration ?? 0))],
    ['token_renewable', String(auth.renewable ?? false)],
    ['token_policies', formatQuotedList(auth.token_policies)],
    ['identity_policies', formatQuotedList(auth.identity_policies)],
    ['policies', formatQuotedList(auth.policies)],
  ];
  const metadata = (auth.metadata ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(metadata).sort()) rows.push([`token_meta_${key}`, formatGoValue(metadata[key])]);
  return rows;
}

/** Names a `-field` can take from the auth block, as Vault's PrintRawField maps them. */
const AUTH_FIELDS: Record<string, string> = {
  token: 'client_token',
  token_accessor: 'accessor',
  token_duration: 'lease_duration',
  token_renewable: 'renewable',
  token_policies: 'token_policies',
  identity_policies: 'identity_policies',
  policies: 'policies',
};

/**
 * One field, raw, for `> cert.pem`: a string is written exactly as received
 * (a PEM keeps its own final newline; nothing is added when stdout is not a
 * terminal). A list of strings (`ca_chain`) is written one item after another,
 * so `-field=ca_chain > chain.pem` gives a usable bundle — where Vault would
 * print Go's `[a b]`. Returns undefined when the field is absent.
 */
export function renderField(secret: Secret | null, field: string, format: OutputFormat, stdoutIsTty: boolean): string | undefined {
  const value = lookupField(secret, field);
  if (value === undefined) return undefined;
  if (format !== 'table') return renderStructured(value, format);
  let text: string;
  if (typeof value === 'string') text = value;
  else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
    text = value.map((item) => (item.endsWith('\n') ? item : `${item}\n`)).join('');
  } else text = formatGoValue(value);
  return stdoutIsTty && !text.endsWith('\n') ? `${text}\n` : text;
}

function lookupField(secret: Secret | null, field: string): unknown {
  if (!secret) return undefined;
  if (secret.auth && field in AUTH_FIELDS) return secret.auth[AUTH_FIELDS[field]];
  return secret.data?.[field];
}

/** Keys of a list response, sorted; `-detailed` adds the `key_info` columns. */
export function renderList(secret: Secret, format: OutputFormat, detailed: boolean): string {
  const keys = listKeys(secret);
  if (format !== 'table') return renderStructured(detailed ? envelope(secret) : keys, format);
  const keyInfo = (secret.data?.key_info ?? {}) as Record<string, Record<string, unknown> | undefined>;
  if (!detailed || Object.keys(keyInfo).length === 0) {
    return `${formatTable(['Keys'], keys.map((key) => [key]))}\n`;
  }
  const columns = [...new Set(Object.values(keyInfo).flatMap((info) => Object.keys(info ?? {})))].sort();
  const rows = keys.map((key) => [key, ...columns.map((col) => (keyInfo[key]?.[col] === undefined ? '' : formatGoValue(keyInfo[key]![col])))]);
  return `${formatTable(['Keys', ...columns], rows)}\n`;
}

export function listKeys(secret: Secret | null): string[] {
  const keys = secret?.data?.keys;
  return Array.isArray(keys) ? keys.map(String).sort() : [];
}
