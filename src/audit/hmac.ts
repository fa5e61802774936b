/**
 * Vault's audit hashing: `hmac-sha256:<hex>` of a string, keyed with the
 * device's own salt. Equal values hash equally within one device, so an
 * auditor can follow a value through the log, and `sys/audit-hash/<device>`
 * tells whether a value known to the auditor is the one logged; without the
 * salt (sealed in storage) nobody can test guesses against the log.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { CLEAR_FIELDS } from './clear-fields.js';

export const HMAC_PREFIX = 'hmac-sha256:';

export function newSalt(): string {
  return randomBytes(32).toString('base64');
}

export function hmacOf(salt: string, value: string): string {
  return HMAC_PREFIX + createHmac('sha256', Buffer.from(salt, 'base64')).update(value, 'utf8').digest('hex');
}

export interface HashOptions {
  salt: string;
  /** Vault's `hmac_accessor`: hash token accessors too (default true). */
  hmacAccessor: boolean;
}

/**
 * A copy of `value` with every string hashed except under a CLEAR_FIELDS key
 * (and `accessor` when hmacAccessor is off). Object keys stay as they are:
 * they are field names or ids, never secrets.
 */
export function hashStructure(value: unknown, options: HashOptions): unknown {
  if (typeof value === 'string') return hmacOf(options.salt, value);
  if (Array.isArray(value)) return value.map((item) => hashStructure(item, options));
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) {
      const clear = CLEAR_FIELDS.has(key) || (key === 'accessor' && !options.hmacAccessor);
      copy[key] = clear ? field : hashStructure(field, options);
    }
    return copy;
  }
  return value;
}

/** Every string that hashStructure would hash, for scrubbing them out of free text. */
export function hashedStrings(value: unknown, found: string[] = []): string[] {
  if (typeof value === 'string') found.push(value);
  else if (Array.isArray(value)) for (const item of value) hashedStrings(item, found);
  else if (value !== null && typeof value === 'object') {
    for (const [key, field] of Object.entries(value)) if (!CLEAR_FIELDS.has(key)) hashedStrings(field, found);
  }
  return found;
}

/** Shorter values would turn ordinary words of a message into hashes. */
const MIN_SCRUBBED_LENGTH = 4;

/**
 * An error message with every hashed request value in it replaced by its
 * hash: a validation message that quotes what it refused must not put a
 * password into the log in clear.
 */
export function scrubMessage(message: string, requestData: unknown, salt: string): string {
  const values = [...new Set(hashedStrings(requestData))].filter((value) => value.length >= MIN_SCRUBBED_LENGTH).sort((a, b) => b.length - a.length);
  let scrubbed = message;
  for (const value of values) if (scrubbed.includes(value)) scrubbed = scrubbed.split(value).join(hmacOf(salt, value));
  return scrubbed;
}
