/**
 * Values as every backend stores them: JSON text, sealed by the barrier for
 * `put`, clear for index entries. One place, so LevelDB and PostgreSQL hold
 * byte-for-byte the same kind of value and a migration between them copies
 * sealed values unopened.
 */
import type { Barrier } from './barrier.js';

export function jsonText(key: string, value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new Error(`value for ${key} is not JSON-serialisable`);
  return json;
}

export function sealJson(barrier: Barrier, key: string, value: unknown): Buffer {
  return barrier.seal(key, Buffer.from(jsonText(key, value), 'utf8'));
}

export function openJson<T>(barrier: Barrier, key: string, sealed: Buffer): T {
  return JSON.parse(barrier.open(key, sealed).toString('utf8')) as T;
}
