import { createHash, type X509Certificate } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { x509 } from './x509-library.js';
import { UserError } from '../errors.js';
import { decodedCertificate } from './decoded-certificates.js';
import { TAG } from './der.js';
import { childrenOf, DerShapeError, expectTag, oidText, readWhole, type DerElement } from './der-reader.js';
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
  const canonical = toPem('CERTIFICATE', der);
  let cert: X509Certificate;
  let tbs: TbsFields;
  try {
    cert = decodedCertificate(canonical);
    tbs = tbsFieldsOf(der);
  } catch {
    throw new UserError(`${field}: the PEM certificate could not be decoded (damaged or truncated?)`);
  }
  const subject = new (x509().Name)(tbs.subject);
  const san = tbs.subjectAltNames && new (x509().SubjectAlternativeNameExtension)(tbs.subjectAltNames);
  return Object.freeze({
    pem: canonical,
    serialNumber: colonHex(Buffer.from(tbs.serialNumber).toString('hex').replace(/^(00)+(?=..)/, '').toUpperCase()),
    notBefore: rfc3339(tbs.notBefore),
    notAfter: rfc3339(tbs.notAfter),
    commonName: subject.getField('CN')[0],
    subject: subject.toString(),
    issuer: issuerText(tbs.issuer),
    subjectAltNames: Object.freeze(san ? san.names.items.map((item) => item.value) : []),
    fingerprintSha256: colonHex(createHash('sha256').update(der).digest('hex').toUpperCase()),
    publicKey: Object.freeze(describePublicKey(cert.publicKey)),
    isCa: cert.ca,
  });
}

/** Issuers repeat (one CA signs many certificates): their text, by DER. */
const issuerTexts = new LRUCache<string, string>({ max: 256 });

function issuerText(der: Uint8Array<ArrayBuffer>): string {
  const key = Buffer.from(der).toString('base64');
  let text = issuerTexts.get(key);
  if (text === undefined) issuerTexts.set(key, (text = new (x509().Name)(der).toString()));
  return text;
}

export interface TbsFields {
  serialNumber: Uint8Array<ArrayBuffer>;
  issuer: Uint8Array<ArrayBuffer>;
  subject: Uint8Array<ArrayBuffer>;
  /** The whole SubjectPublicKeyInfo. */
  publicKey: Uint8Array<ArrayBuffer>;
  notBefore: Date;
  notAfter: Date;
  /** The whole subjectAltName extension, if the certificate has one. */
  subjectAltNames: Uint8Array<ArrayBuffer> | undefined;
}

const SUBJECT_ALT_NAME = '2.5.29.17';

/**
 * The TBSCertificate fields a record keeps, read straight from the DER
 * (RFC 5280 §4.1); only the names go through the ASN.1 library, which
 * renders them as RFC 4514 text.
 */
export function tbsFieldsOf(der: Uint8Array<ArrayBuffer>): TbsFields {
  const [tbsCertificate] = childrenOf(expectTag(readWhole(der), TAG.sequence, 'Certificate'));
  const fields = childrenOf(expectTag(tbsCertificate, TAG.sequence, 'TBSCertificate'));
  // version is [0] EXPLICIT and absent for v1 certificates.
  const [serial, , issuer, validity, subject, publicKey, ...optional] = fields[0]?.tag === 0xa0 ? fields.slice(1) : fields;
  const [notBefore, notAfter] = childrenOf(expectTag(validity, TAG.sequence, 'validity'));
  const extensions = optional.find((element) => element.tag === 0xa3);
  const subjectAltNames = extensions
    ? childrenOf(expectTag(childrenOf(extensions)[0], TAG.sequence, 'extensions'))
        .find((extension) => oidText(expectTag(childrenOf(extension)[0], TAG.oid, 'extnID').contents) === SUBJECT_ALT_NAME)?.bytes
    : undefined;
  return {
    serialNumber: expectTag(serial, TAG.integer, 'serialNumber').contents,
    issuer: expectTag(issuer, TAG.sequence, 'issuer').bytes,
    subject: expectTag(subject, TAG.sequence, 'subject').bytes,
    publicKey: expectTag(publicKey, TAG.sequence, 'subjectPublicKeyInfo').bytes,
    notBefore: timeOf(notBefore),
    notAfter: timeOf(notAfter),
    subjectAltNames,
  };
}

const UTC_TIME = 0x17;
const GENERALIZED_TIME = 0x18;

/** RFC 5280 §4.1.2.5: UTCTime YYMMDDHHMMSSZ (years 1950–2049) or GeneralizedTime YYYYMMDDHHMMSS[.fff]Z. */
function timeOf(element: DerElement | undefined): Date {
  const text = Buffer.from(element?.contents ?? []).toString('latin1');
  const match =
    element?.tag === UTC_TIME ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text) : element?.tag === GENERALIZED_TIME ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(text) : null;
  if (!match) throw new DerShapeError('validity: not a UTCTime or GeneralizedTime');
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const fullYear = element!.tag === UTC_TIME ? (year < 50 ? 2000 + year : 1900 + year) : year;
  return new Date(Date.UTC(fullYear, month - 1, day, hour, minute, second));
}

function colonHex(hex: string): string {
  return (hex.length % 2 ? `0${hex}` : hex).match(/../g)!.join(':');
}

function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
