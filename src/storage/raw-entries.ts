/**
 * What kind a stored value is, from its bytes alone: sealed (the barrier's
 * format, barrier.ts `termOf`) or a clear index entry's JSON text. LevelDB
 * keeps both kinds in one value column; PostgreSQL puts each in its own
 * column, and places a raw write (storage.ts `swapRaw`: a restore, a
 * migration, a re-encryption) by this.
 */
import { termOf } from './barrier.js';

export type StoredKind = 'sealed' | 'clear';

export function kindOfStoredBytes(bytes: Uint8Array): StoredKind {
  return termOf(bytes) === undefined ? 'clear' : 'sealed';
}

/** Stored bytes equal what a swap expects (undefined on both sides: the key is absent). */
export function sameStoredBytes(stored: Uint8Array | undefined, expected: Uint8Array | undefined): boolean {
  if (stored === undefined || expected === undefined) return stored === expected;
  return Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength).equals(expected);
}
