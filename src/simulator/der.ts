/**
 * Just enough DER (X.690) to write a leaf certificate and a PKCS#7 bundle and
 * to find the parts of a CSR a leaf copies. The simulator signs one
 * certificate per order; building it through an ASN.1 object model cost many
 * times the RSA signature itself, so the hot path writes bytes directly.
 */
import { isIPv4 } from 'node:net';

function tlv(tag: number, ...contents: Buffer[]): Buffer {
  const body = Buffer.concat(contents);
  return Buffer.concat([Buffer.from([tag]), encodeLength(body.length), body]);
}

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export const sequence = (...contents: Buffer[]) => tlv(0x30, ...contents);
export const set = (...contents: Buffer[]) => tlv(0x31, ...contents);
export const octetString = (content: Buffer) => tlv(0x04, content);
export const nullValue = () => tlv(0x05);
export const booleanTrue = () => tlv(0x01, Buffer.from([0xff]));
/** `[n]` wrapping whole encodings (EXPLICIT tagging, or a constructed IMPLICIT one). */
export const explicit = (n: number, ...contents: Buffer[]) => tlv(0xa0 | n, ...contents);
/** `[n]` IMPLICIT on a primitive value: the value's bytes under a context tag. */
export const implicitPrimitive = (n: number, content: Buffer) => tlv(0x80 | n, content);

/** A positive INTEGER from hex, with the leading zero DER wants when the high bit is set. */
export function integerFromHex(hex: string): Buffer {
  const bytes = Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
  return tlv(0x02, bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

export function smallInteger(value: number): Buffer {
  return tlv(0x02, Buffer.from([value]));
}

export function oid(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split('.').map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const base128 = [arc & 0x7f];
    for (let value = arc >>> 7; value > 0; value >>>= 7) base128.unshift(0x80 | (value & 0x7f));
    bytes.push(...base128);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** A BIT STRING of named bits (bit 0 first), trailing zero bits dropped as DER requires. */
export function namedBits(bits: number[]): Buffer {
  const highest = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const bit of bits) bytes[bit >> 3] |= 0x80 >> (bit & 7);
  return tlv(0x03, Buffer.from([7 - (highest & 7)]), bytes);
}

export function bitString(content: Buffer): Buffer {
  return tlv(0x03, Buffer.from([0]), content);
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
export function time(date: Date): Buffer {
  const iso = date.toISOString();
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '');
  return date.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(`${digits.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${digits}Z`));
}

export function ipAddress(text: string): Buffer {
  if (isIPv4(text)) return Buffer.from(text.split('.').map(Number));
  const [head, tail = ''] = text.includes('::') ? text.split('::') : [text];
  const groups = (part: string) => (part === '' ? [] : part.split(':')).flatMap(ipv6Group);
  const left = groups(head);
  const right = groups(tail);
  const words = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const bytes = Buffer.alloc(16);
  words.forEach((word, index) => bytes.writeUInt16BE(word, index * 2));
  return bytes;
}

/** One IPv6 group, or two for an embedded IPv4 tail such as `::ffff:192.0.2.1`. */
function ipv6Group(group: string): number[] {
  if (!isIPv4(group)) return [parseInt(group, 16)];
  const [a, b, c, d] = group.split('.').map(Number);
  return [(a << 8) | b, (c << 8) | d];
}

export interface Element {
  /** The whole encoding, header included. */
  raw: Buffer;
  tag: number;
  content: Buffer;
}

/** The elements directly inside a constructed value's content. */
export function children(content: Buffer): Element[] {
  const elements: Element[] = [];
  let offset = 0;
  while (offset < content.length) {
    const tag = content[offset];
    let length = content[offset + 1];
    let header = 2;
    if (length & 0x80) {
      const count = length & 0x7f;
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + content[offset + 2 + i];
      header += count;
    }
    const end = offset + header + length;
    if (end > content.length) throw new Error('DER element runs past its container');
    elements.push({ raw: content.subarray(offset, end), tag, content: content.subarray(offset + header, end) });
    offset = end;
  }
  return elements;
}

export function single(encoding: Buffer): Element {
  const [element] = children(encoding);
  if (!element || element.raw.length !== encoding.length) throw new Error('not a single DER element');
  return element;
}

/** PEM as @peculiar/x509 writes it: 64-column Base64, `\n` line ends, no final newline. */
export function pem(der: Buffer, label: string): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return [`-----BEGIN ${label}-----`, ...lines, `-----END ${label}-----`].join('\n');
}
