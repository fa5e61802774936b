/**
 * Request data from command-line arguments, by the rules of the `vault` CLI
 * (go-secure-stdlib kv-builder), so scripts written for `vault write` work
 * unchanged:
 *
 *   key=value    a string, always (the server coerces "365" → 365)
 *   key=a key=b  a repeated key becomes an array
 *   key=@file    the file's contents as a string (a PEM CSR, a password)
 *   key=\@x      the literal "@x"
 *   key=-        standard input as a string
 *   @file.json   the file is JSON-decoded and merged in
 *   -            JSON from standard input, merged in
 *
 * Standard input can be used once per command.
 */
import { readFile } from 'node:fs/promises';
import { LocalError } from './local-error.js';

export type ReadStdin = () => Promise<string>;

export async function buildRequestData(args: string[], readStdin: ReadStdin): Promise<Record<string, unknown>> {
  try {
    return await addArgs(args, readStdin);
  } catch (err) {
    if (err instanceof LocalError) throw new LocalError(`Failed to parse K=V data: ${err.message}`);
    throw err;
  }
}

async function addArgs(args: string[], readStdin: ReadStdin): Promise<Record<string, unknown>> {
  const result: Record<string, unknown> = {};
  let stdinUsed = false;
  const takeStdin = async (): Promise<string> => {
    if (stdinUsed) throw new LocalError('stdin already consumed');
    stdinUsed = true;
    return readStdin();
  };

  for (const raw of args) {
    if (raw === '') continue;
    const eq = raw.indexOf('=');
    if (eq < 0) {
      if (raw === '-') {
        Object.assign(result, parseJsonObject(await takeStdin(), 'stdin'));
        continue;
      }
      if (raw.startsWith('@')) {
        const file = raw.slice(1);
        Object.assign(result, parseJsonObject(await readArgFile(file), file));
        continue;
      }
      throw new LocalError(`invalid key/value pair "${raw}": format must be key=value`);
    }
    const key = raw.slice(0, eq);
    let value = raw.slice(eq + 1);
    if (value.startsWith('@')) value = await readArgFile(value.slice(1));
    else if (value.startsWith('\\@')) value = value.slice(1);
    else if (value === '-') value = await takeStdin();
    addValue(result, key, value);
  }
  return result;
}

function addValue(result: Record<string, unknown>, key: string, value: string): void {
  if (!(key in result)) {
    result[key] = value;
    return;
  }
  const existing = result[key];
  result[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
}

async function readArgFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new LocalError(`error reading file "${file}": ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

function parseJsonObject(text: string, source: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new LocalError(`invalid JSON in ${source}: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new LocalError(`JSON in ${source} must be an object`);
  }
  return parsed as Record<string, unknown>;
}

/**
 * Request data as query parameters (`read`, `delete`): Vault sends every value
 * as a string, an array as a repeated parameter.
 */
export function toQueryParams(data: Record<string, unknown>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(data)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      params.append(key, typeof item === 'object' && item !== null ? JSON.stringify(item) : String(item));
    }
  }
  return params;
}
