/**
 * Opening a store with the seal key, for any backend: the keyring (sealed
 * with the seal key) gives the barrier its terms, then the seal check value
 * proves the key belongs to this store. A store from before key rotation has
 * no keyring: its values are all term 1, the seal key, and its first
 * keyring is written here once the seal check has opened.
 *
 * The check value and the first keyring are written only where absent
 * (swapRaw), so replicas starting together on an empty PostgreSQL database
 * agree: one seal key's check wins, and a replica with another key finds
 * the store sealed.
 */
import { BarrierOpenError, type Barrier } from './barrier.js';
import { firstKeyring, openKeyring, sealKeyring, termKeys } from './keyring.js';
import { layout } from './layout.js';
import { sealJson } from './sealed-json.js';
import type { Storage } from './storage.js';

/** Written at first start; if it will not open, the seal key is wrong. */
const SEAL_CHECK_VALUE = 'scmpki seal check v1';

export interface OpenedStorage {
  storage: Storage;
  /** True when the seal key cannot open this store: serve nothing but health. */
  sealed: boolean;
  /** The keys this storage seals with: key rotation (key-rotation.ts) changes them. */
  barrier: Barrier;
}

/** One entry's stored bytes, or undefined. */
export async function readRaw(storage: Storage, key: string): Promise<Uint8Array | undefined> {
  // `key` and nothing after it (no key holds a control character; PostgreSQL text refuses a NUL).
  for await (const [, stored] of storage.rawEntries({ gte: key, lt: `${key}\u0001` })) return stored;
  return undefined;
}

/** Loads the keyring into the barrier and checks the seal key; false when the key does not open this store. */
export async function unsealStorage(storage: Storage, barrier: Barrier): Promise<boolean> {
  const stored = await readRaw(storage, layout.keyring);
  try {
    if (stored) {
      const keyring = openKeyring(barrier.sealKey, stored);
      barrier.useTerms(termKeys(barrier.sealKey, keyring), keyring.active);
    }
    if ((await storage.get<string>(layout.sealCheck)) === undefined) {
      await storage.swapRaw([{ key: layout.sealCheck, expected: undefined, next: sealJson(barrier, layout.sealCheck, SEAL_CHECK_VALUE) }]);
    }
    if ((await storage.get<string>(layout.sealCheck)) !== SEAL_CHECK_VALUE) return false;
  } catch (err) {
    if (err instanceof BarrierOpenError) return false;
    throw err;
  }
  if (!stored) await storage.swapRaw([{ key: layout.keyring, expected: undefined, next: sealKeyring(barrier.sealKey, firstKeyring(new Date())) }]);
  return true;
}
