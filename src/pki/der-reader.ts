/**
 * Just enough DER reading to find parts of a structure whose shape is known
 * (the certificates in a PKCS#7 bundle, the fields of a certificate's
 * TBSCertificate): an element is its tag and where its contents lie. No
 * schema and no object tree: the ASN.1 library (@peculiar/x509 over asn1js)
 * builds both for a whole certificate, which cost more than the rest of a
 * collect together.
 */

export interface DerElement {
  tag: number;
  /** The whole element: tag, length and contents. */
  bytes: Uint8Array<ArrayBuffer>;
  contents: Uint8Array<ArrayBuffer>;
}

/** A DER structure that is not what the reader was told to expect. */
export class DerShapeError extends Error {
  override name = 'DerShapeError';
}

/** The element that starts at `offset` of `bytes`. */
export function readElement(bytes: Uint8Array<ArrayBuffer>, offset = 0): DerElement {
  if (offset + 2 > bytes.length) throw new DerShapeError('truncated element');
  const tag = bytes[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerShapeError('multi-byte tags are not expected here');
  let length = bytes[offset + 1]!;
  let header = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || offset + 2 + count > bytes.length) throw new DerShapeError('bad length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[offset + 2 + i]!;
    header += count;
  }
  const end = offset + header + length;
  if (end > bytes.length) throw new DerShapeError('truncated element');
  return { tag, bytes: bytes.subarray(offset, end), contents: bytes.subarray(offset + header, end) };
}

/** The elements a constructed element holds, in order. */
export function childrenOf(element: DerElement): DerElement[] {
  if ((element.tag & 0x20) === 0) throw new DerShapeError(`element 0x${element.tag.toString(16)} is not constructed`);
  const children: DerElement[] = [];
  for (let offset = 0; offset < element.contents.length; ) {
    const child = readElement(element.contents, offset);
    children.push(child);
    offset += child.bytes.length;
  }
  return children;
}

/** The one element `bytes` holds; trailing bytes are a shape error. */
export function readWhole(bytes: Uint8Array<ArrayBuffer>): DerElement {
  const element = readElement(bytes);
  if (element.bytes.length !== bytes.length) throw new DerShapeError('trailing bytes after the element');
  return element;
}

/** `expected` or a shape error naming `what`. */
export function expectTag(element: DerElement | undefined, expected: number, what: string): DerElement {
  if (element?.tag !== expected) throw new DerShapeError(`${what}: expected tag 0x${expected.toString(16)}`);
  return element;
}

/** Dotted text of an OBJECT IDENTIFIER's contents. */
export function oidText(contents: Uint8Array): string {
  const arcs: number[] = [];
  let value = 0;
  for (const byte of contents) {
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      if (arcs.length === 0) arcs.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else arcs.push(value);
      value = 0;
    }
  }
  return arcs.join('.');
}
