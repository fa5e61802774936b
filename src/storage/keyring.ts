/**
 * The keyring: which key sealed each term, which term seals new values, and
 * how far a re-encryption has got. It is stored at `core/keyring` sealed with
 * the seal key itself (term byte 0), so the seal key opens the keyring and the
 * keyring opens the data: a backup of the database is still useless without
 * the seal key, and rotating the data key never changes the seal key.
 *
 * Term 1 is the seal key (stores from before rotation existed hold nothing
 * else), so its entry carries no key; later terms carry a random 32-byte key.
 */
import { BarrierOpenError, FIRST_TERM, KEYRING_TERM, openWith, sealWith, termOf } from './barrier.js';
import { layout } from './layout.js';

export interface KeyringTerm {
  term: number;
  /** ISO time the term became active. */
  installed_at: string;
  /** Values sealed with it, as recorded at the keyring's last write (an estimate, as Vault's). */
  encryptions: number;
  /** base64; absent for term 1, whose key is the seal key. */
  key?: string;
}

/** A re-encryption to the active term that has not finished. */
export interface RewrapProgress {
  started_at: string;
  /** The pass resumes after this storage key (absent: from the start). */
  after?: string;
  /** Values moved to the active term so far. */
  rewrapped: number;
  /** Why the last pass stopped short (values that would not open); retried at the next start. */
  error?: string;
}

export interface Keyring {
  active: number;
  /** Live terms, oldest first: each still opens values. */
  terms: KeyringTerm[];
  rewrap?: RewrapProgress;
  /** Terms dropped after their values were re-encrypted. */
  retired: Array<{ term: number; retired_at: string }>;
}

/** The keyring of a store that has never rotated: term 1, the seal key. */
export function firstKeyring(now: Date): Keyring {
  return { active: FIRST_TERM, terms: [{ term: FIRST_TERM, installed_at: now.toISOString(), encryptions: 0 }], retired: [] };
}

export function sealKeyring(sealKey: Buffer, keyring: Keyring): Buffer {
  return sealWith(sealKey, KEYRING_TERM, layout.keyring, Buffer.from(JSON.stringify(keyring), 'utf8'));
}

/** Throws BarrierOpenError when the seal key does not open it. */
export function openKeyring(sealKey: Buffer, stored: Uint8Array): Keyring {
  if (termOf(stored) !== KEYRING_TERM) throw new BarrierOpenError(`${layout.keyring} is not a sealed keyring`);
  return JSON.parse(openWith(sealKey, layout.keyring, stored).toString('utf8')) as Keyring;
}

/** Each live term's key: the seal key for term 1, the stored key for the rest. */
export function termKeys(sealKey: Buffer, keyring: Keyring): Map<number, Buffer> {
  return new Map(keyring.terms.map((entry) => [entry.term, entry.key === undefined ? sealKey : Buffer.from(entry.key, 'base64')]));
}
