import { createHash, X509Certificate as NodeX509Certificate } from 'node:crypto';
import type { X509Certificate } from '@peculiar/x509';
import { LRUCache } from 'lru-cache';
import { x509 } from './x509-library.js';
import { UserError } from '../errors.js';
import { describePublicKey, type PublicKeyInfo } from './keys.js';
import { findPemBlocks, toPem } from './pem-text.js';

export interface ParsedCertificate {
  /** Canonical PEM of the certificate. */
  pem: string;
  /**
   * Upper-case, colon-separated hex without the DER sign byte
   * (`0A:1B:…`): the form SCM shows and accepts in `revoke/serial/{serial}`.
   */
  serialNumber: string;
  /** RFC 3339, UTC, whole seconds. */
  notBefore: string;
  notAfter: string;
  commonName: string | undefined;
  /** RFC 4514 strings, e.g. `CN=example.com, O=Example`. */
  subject: string;
  issuer: string;
  subjectAltNames: readonly string[];
  /** Upper-case, colon-separated SHA-256 of the DER, as `openssl x509 -fingerprint -sha256` prints it. */
  fingerprintSha256: string;
  publicKey: Readonly<PublicKeyInfo>;
  isCa: boolean;
}

/** Decodes the first CERTIFICATE block of `pem`; anything else is the caller's mistake, named by `field`. */
export function readCertificateDer(pem: string, field = 'certificate'): Uint8Array<ArrayBuffer> {
  const block = findPemBlocks(pem).find((b) => b.label === 'CERTIFICATE');
  if (!block) {
    throw new UserError(`${field}: not a PEM certificate (perhaps a file path was passed instead of its contents?)`);
  }
  return block.der;
}

/**
 * Certificates parsed lately, by their PEM text. A record is re-indexed on
 * every write while its certificate rarely changes, and the ASN.1 decoding
 * is most of the CPU a write costs; the results are frozen, so sharing is safe.
 */
const parsedByPem = new LRUCache<string, Readonly<ParsedCertificate>>({ max: 1_024 });

export function parseCertificate(pem: string, field = 'certificate'): Readonly<ParsedCertificate> {
  const known = parsedByPem.get(pem);
  if (known) return known;
  const parsed = decodeCertificate(pem, field);
  parsedByPem.set(pem, parsed).set(parsed.pem, parsed);
  return parsed;
}

function decodeCertificate(pem: string, field: string): Readonly<ParsedCertificate> {
  const der = readCertificateDer(pem, field);
  let cert: NodeX509Certificate;
  let names: X509Certificate;
  try {
    cert = new NodeX509Certificate(der);
    names = new (x509().X509Certificate)(der);
  } catch {
    throw new UserError(`${field}: the PEM certificate could not be decoded (damaged or truncated?)`);
  }
  const san = names.getExtension(x509().SubjectAlternativeNameExtension);
  return Object.freeze({
    pem: toPem('CERTIFICATE', der),
    serialNumber: colonHex(names.serialNumber.replace(/^(00)+(?=..)/, '').toUpperCase()),
    notBefore: rfc3339(names.notBefore),
    notAfter: rfc3339(names.notAfter),
    commonName: names.subjectName.getField('CN')[0],
    subject: names.subject,
    issuer: names.issuer,
    subjectAltNames: Object.freeze(san ? san.names.items.map((item) => item.value) : []),
    fingerprintSha256: colonHex(createHash('sha256').update(der).digest('hex').toUpperCase()),
    publicKey: Object.freeze(describePublicKey(cert.publicKey)),
    isCa: cert.ca,
  });
}

function colonHex(hex: string): string {
  return (hex.length % 2 ? `0${hex}` : hex).match(/../g)!.join(':');
}

function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
