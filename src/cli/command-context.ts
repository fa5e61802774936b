/**
 * What every client command shares: the terminal it talks to, Go-style flag
 * parsing that rejects unknown flags (as Go's flag package does), and the
 * HTTP client built from flags + environment.
 */
import { parseGoFlags, type FlagSpec } from './go-flags.js';
import { buildRequestData, toQueryParams } from './kv-args.js';
import { resolveClientConfig, type ConnectionFlags } from './client-config.js';
import { LocalError } from './local-error.js';
import { renderField, renderSecret, renderWarnings, resolveFormat, type OutputFormat } from './secret-output.js';
import { ApiRequestError, TransportError, VaultClient, type Secret } from './vault-client.js';

export interface OutputStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface Terminal {
  stdout: OutputStream;
  stderr: OutputStream;
  env: NodeJS.ProcessEnv;
  readStdin(): Promise<string>;
}

export interface CommandSpec extends FlagSpec {
  /** Shown for -h and after a usage error. */
  usage: string;
}

/** Flags every client command takes, like Vault's "HTTP Options" and "Output Options". */
const CONNECTION_FLAGS: FlagSpec = {
  string: ['address', 'ca-cert', 'format'],
  boolean: ['tls-skip-verify', 'h', 'help'],
};

export interface ParsedCommand {
  flags: Record<string, unknown> & ConnectionFlags;
  positionals: string[];
  format: OutputFormat;
}

/** Parses flags; returns undefined after printing usage for -h. Unknown flags are a LocalError. */
export function parseCommand(argv: string[], spec: CommandSpec, term: Terminal): ParsedCommand | undefined {
  const strings = [...(CONNECTION_FLAGS.string ?? []), ...(spec.string ?? [])];
  const booleans = [...(CONNECTION_FLAGS.boolean ?? []), ...(spec.boolean ?? [])];
  const { flags, positionals } = parseGoFlags(argv, { string: strings, boolean: booleans, default: spec.default });
  if (flags.h || flags.help) {
    term.stdout.write(`${spec.usage.trim()}\n`);
    return undefined;
  }
  const unknown = Object.keys(flags).filter((name) => !strings.includes(name) && !booleans.includes(name));
  if (unknown.length > 0) throw new LocalError(`flag provided but not defined: -${unknown[0]}\n\n${spec.usage.trim()}`);
  return { flags, positionals, format: resolveFormat(flags.format, term.env) };
}

export async function createClient(parsed: ParsedCommand, env: NodeJS.ProcessEnv): Promise<VaultClient> {
  return new VaultClient(await resolveClientConfig(parsed.flags, env));
}

/** Vault strips leading and trailing slashes from the path the user typed. */
export function sanitizePath(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}

export function requirePositionals(parsed: ParsedCommand, min: number, max: number, spec: CommandSpec): void {
  const count = parsed.positionals.length;
  if (count < min || count > max) {
    const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    throw new LocalError(`Incorrect number of arguments (expected ${expected}, got ${count})\n\n${spec.usage.trim()}`);
  }
}

export interface PathQueryCommand {
  parsed: ParsedCommand;
  path: string;
  query: URLSearchParams;
  client: VaultClient;
}

/**
 * `PATH [KEY=VALUE ...]` as read and delete take it: the pairs travel as
 * query parameters, since neither request has a body. Undefined after -h.
 */
export async function parsePathQueryCommand(argv: string[], spec: CommandSpec, term: Terminal): Promise<PathQueryCommand | undefined> {
  const parsed = parseCommand(argv, spec, term);
  if (!parsed) return undefined;
  requirePositionals(parsed, 1, Infinity, spec);
  const path = sanitizePath(parsed.positionals[0]);
  const query = toQueryParams(await buildRequestData(parsed.positionals.slice(1), term.readStdin));
  return { parsed, path, query, client: await createClient(parsed, term.env) };
}

/**
 * Runs a command body, turning server and transport errors into Vault's
 * "Error reading PATH: Error making API request. …" on stderr and exit 2.
 */
export async function reportApiErrors(term: Terminal, prefix: string, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof ApiRequestError || err instanceof TransportError) {
      term.stderr.write(`${prefix}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

/**
 * Prints a response: the warnings block on stderr (table format, also with
 * -field, since stderr never ends up in `> cert.pem`), then the secret or the
 * one -field. A missing field exits 1, as in Vault.
 */
export function printSecret(term: Terminal, parsed: ParsedCommand, secret: Secret): number {
  if (parsed.format === 'table') term.stderr.write(renderWarnings(secret));
  const field = parsed.flags.field as string | undefined;
  if (!field) {
    term.stdout.write(renderSecret(secret, parsed.format));
    return 0;
  }
  const text = renderField(secret, field, parsed.format, term.stdout.isTTY === true);
  if (text === undefined) {
    term.stderr.write(`Field "${field}" not present in secret\n`);
    return 1;
  }
  term.stdout.write(text);
  return 0;
}
