/**
 * The encryption barrier: every value is sealed with AES-256-GCM before it
 * reaches the backend, as Vault's barrier does. The storage key is bound as
 * additional authenticated data, so a ciphertext copied under another key
 * (say, one config's password moved into another config) fails to open
 * instead of being silently accepted.
 *
 * Layout of a sealed value: [format 0x01][key term][12-byte nonce][ciphertext][16-byte tag].
 *
 * The term says which key sealed the value. Term 1 is the seal key itself
 * (every store before key rotation holds term 1 only); later terms are
 * random keys kept in the keyring (keyring.ts), itself sealed with the seal
 * key under term 0. New values are sealed with the active term; a value of
 * any live term opens, so a rotation never makes a value unreadable, and a
 * term is dropped only once no value uses it (key-rotation.ts).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const FORMAT = 0x01;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 2 + NONCE_BYTES;

export const SEAL_KEY_BYTES = 32;
/** The term byte of the keyring itself, sealed with the seal key. */
export const KEYRING_TERM = 0;
/** The term of a store's first key: the seal key. */
export const FIRST_TERM = 1;
/** One byte holds the term. */
export const LAST_TERM = 255;

/** The value could not be opened: wrong key, tampered data, or not ours. */
export class BarrierOpenError extends Error {
  override name = 'BarrierOpenError';
}

function checkKey(key: Buffer): void {
  if (key.length !== SEAL_KEY_BYTES) {
    throw new Error(`seal key must be ${SEAL_KEY_BYTES} bytes, got ${key.length}`);
  }
}

/** Seals with one key under one term byte (the barrier's terms, and the keyring under the seal key). */
export function sealWith(key: Buffer, term: number, storageKey: string, plaintext: Buffer): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(storageKey, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([FORMAT, term]), nonce, body, cipher.getAuthTag()]);
}

/** The term byte of a sealed value; undefined for anything else (a clear index entry is JSON text, which never starts with 0x01). */
export function termOf(stored: Uint8Array): number | undefined {
  return stored.length >= HEADER_BYTES + TAG_BYTES && stored[0] === FORMAT ? stored[1] : undefined;
}

export function openWith(key: Buffer, storageKey: string, sealed: Uint8Array): Buffer {
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  const nonce = bytes.subarray(2, HEADER_BYTES);
  const tag = bytes.subarray(bytes.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce);
  decipher.setAAD(Buffer.from(storageKey, 'utf8'));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(bytes.subarray(HEADER_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new BarrierOpenError(`value at ${storageKey} could not be opened with this seal key`);
  }
}

export class Barrier {
  private keys: ReadonlyMap<number, Buffer>;
  private active = FIRST_TERM;
  /** Values sealed by this process, per term (key-status's `encryptions` adds what the keyring recorded). */
  private readonly sealed = new Map<number, number>();

  constructor(readonly sealKey: Buffer) {
    checkKey(sealKey);
    this.keys = new Map([[FIRST_TERM, sealKey]]);
  }

  get activeTerm(): number {
    return this.active;
  }

  /** The terms a value may be sealed with, oldest first. */
  get liveTerms(): number[] {
    return [...this.keys.keys()].sort((a, b) => a - b);
  }

  /** Switches to the keyring's terms: new values are sealed with `active`, only `keys` open. */
  useTerms(keys: ReadonlyMap<number, Buffer>, active: number): void {
    if (!keys.has(active)) throw new Error(`the keyring has no key for its active term ${active}`);
    for (const key of keys.values()) checkKey(key);
    this.keys = keys;
    this.active = active;
  }

  /** How many values this process sealed with `term`. */
  sealCount(term: number): number {
    return this.sealed.get(term) ?? 0;
  }

  /** The same, forgetting the count: the caller records it. */
  takeSealCount(term: number): number {
    const count = this.sealed.get(term) ?? 0;
    this.sealed.delete(term);
    return count;
  }

  seal(storageKey: string, plaintext: Buffer): Buffer {
    const term = this.active;
    this.sealed.set(term, (this.sealed.get(term) ?? 0) + 1);
    return sealWith(this.keys.get(term)!, term, storageKey, plaintext);
  }

  open(storageKey: string, sealed: Uint8Array): Buffer {
    const term = termOf(sealed);
    if (term === undefined) throw new BarrierOpenError(`value at ${storageKey} is not a sealed value`);
    const key = this.keys.get(term);
    if (!key) throw new BarrierOpenError(`value at ${storageKey} is sealed with key term ${term}, which this keyring does not hold (terms ${this.liveTerms.join(', ')})`);
    return openWith(key, storageKey, sealed);
  }

  /** The same value sealed again with the active term (a key rotation's re-encryption). */
  reseal(storageKey: string, sealed: Uint8Array): Buffer {
    return this.seal(storageKey, this.open(storageKey, sealed));
  }
}
