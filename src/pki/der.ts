/**
 * Just enough DER to write a PKCS#10 request: every value here is built from
 * already-encoded parts, so an element is its tag, its length and its bytes.
 * A general ASN.1 library builds an object tree and a schema walk for the same
 * few hundred bytes, which cost more than generating an EC key.
 */

export const TAG = {
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  printableString: 0x13,
  ia5String: 0x16,
  sequence: 0x30,
  set: 0x31,
} as const;

function lengthBytes(length: number): number[] {
  if (length < 0x80) return [length];
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

/** One element: `tag`, DER length, then `contents` (already-encoded children, concatenated). */
export function element(tag: number, ...contents: Uint8Array[]): Uint8Array {
  const body = contents.length === 1 ? contents[0] : Buffer.concat(contents);
  return Buffer.concat([Uint8Array.of(tag, ...lengthBytes(body.length)), body]);
}

export const sequence = (...items: Uint8Array[]): Uint8Array => element(TAG.sequence, ...items);

/**
 * A SET OF holding one element. DER sorts the members of a SET OF; with one
 * member there is nothing to sort, and every set a CSR needs holds one.
 */
export const setOfOne = (item: Uint8Array): Uint8Array => element(TAG.set, item);

/** `[number]` constructed, context-specific, implicit: replaces the tag of what it wraps. */
export const contextConstructed = (number: number, ...contents: Uint8Array[]): Uint8Array => element(0xa0 | number, ...contents);

/** `[number]` primitive, context-specific, implicit (GeneralName's dNSName, iPAddress, …). */
export const contextPrimitive = (number: number, bytes: Uint8Array): Uint8Array => element(0x80 | number, bytes);

export function oid(dotted: string): Uint8Array {
  const [first, second, ...rest] = dotted.split('.').map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const base128 = [arc & 0x7f];
    for (let high = Math.floor(arc / 128); high > 0; high = Math.floor(high / 128)) base128.unshift(0x80 | (high & 0x7f));
    bytes.push(...base128);
  }
  return element(TAG.oid, Uint8Array.from(bytes));
}

export const NULL = Uint8Array.of(TAG.null, 0);

/** INTEGER 0, the only integer a CSR holds (its version). */
export const INTEGER_ZERO = Uint8Array.of(TAG.integer, 1, 0);

/** A BIT STRING of whole bytes (no unused bits), as keys and signatures are. */
export const bitString = (bytes: Uint8Array): Uint8Array => element(TAG.bitString, Uint8Array.of(0), bytes);

export const octetString = (bytes: Uint8Array): Uint8Array => element(TAG.octetString, bytes);

/** Printable and IA5 values are checked to be ASCII before they get here, so UTF-8 is their encoding too. */
export const text = (tag: number, value: string): Uint8Array => element(tag, Buffer.from(value, 'utf8'));
