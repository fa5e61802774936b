/**
 * The encryption barrier: every value is sealed with AES-256-GCM before it
 * reaches LevelDB, as Vault's barrier does. The storage key is bound as
 * additional authenticated data, so a ciphertext copied under another key
 * (say, one config's password moved into another config) fails to open
 * instead of being silently accepted.
 *
 * Layout of a sealed value: [format 0x01][key term][12-byte nonce][ciphertext][16-byte tag].
 * The key term lets a future key rotation read old values with the old key.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const FORMAT = 0x01;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 2 + NONCE_BYTES;

export const SEAL_KEY_BYTES = 32;

/** The value could not be opened: wrong key, tampered data, or not ours. */
export class BarrierOpenError extends Error {
  override name = 'BarrierOpenError';
}

export class Barrier {
  constructor(
    private readonly key: Buffer,
    private readonly term = 1,
  ) {
    if (key.length !== SEAL_KEY_BYTES) {
      throw new Error(`seal key must be ${SEAL_KEY_BYTES} bytes, got ${key.length}`);
    }
  }

  seal(storageKey: string, plaintext: Buffer): Buffer {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(Buffer.from(storageKey, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([Buffer.from([FORMAT, this.term]), nonce, body, cipher.getAuthTag()]);
  }

  open(storageKey: string, sealed: Buffer): Buffer {
    if (sealed.length < HEADER_BYTES + TAG_BYTES || sealed[0] !== FORMAT) {
      throw new BarrierOpenError(`value at ${storageKey} is not a sealed value`);
    }
    if (sealed[1] !== this.term) {
      throw new BarrierOpenError(`value at ${storageKey} is sealed with key term ${sealed[1]}, not ${this.term}`);
    }
    const nonce = sealed.subarray(2, HEADER_BYTES);
    const tag = sealed.subarray(sealed.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.key, nonce);
    decipher.setAAD(Buffer.from(storageKey, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(sealed.subarray(HEADER_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new BarrierOpenError(`value at ${storageKey} could not be opened with this seal key`);
    }
  }
}
