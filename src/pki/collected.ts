import { orderChain, splitPemChain } from './chain.js';
import { TAG } from './der.js';
import { childrenOf, DerShapeError, expectTag, oidText, readWhole } from './der-reader.js';
import { PkiInputError } from './input-error.js';
import { findPemBlocks, toPem } from './pem-text.js';

/** SCM's collect formats (reference/scm-api.md §4.5), spelled as SCM spells them. */
export const COLLECT_FORMATS = [
  'base64', 'bin', 'x509', 'x509CO', 'x509IO', 'x509IOR', 'x509R', 'pem', 'pemco', 'pemia',
] as const;
export type CollectFormat = (typeof COLLECT_FORMATS)[number];

/** SCM's default when no format is asked for, and what S/MIME collect returns. */
export const DEFAULT_COLLECT_FORMAT: CollectFormat = 'base64';

const CA_ONLY_FORMATS: ReadonlySet<CollectFormat> = new Set(['x509IO', 'x509IOR']);
const PKCS7_FORMATS: ReadonlySet<CollectFormat> = new Set(['base64', 'bin']);

/**
 * The plugin's samples write `"X509"` where SCM documents `x509`, so the
 * match is case-insensitive; the result is SCM's own spelling.
 */
export function parseCollectFormat(value: unknown): CollectFormat {
  const wanted = String(value ?? '').trim().toLowerCase();
  const format = COLLECT_FORMATS.find((candidate) => candidate.toLowerCase() === wanted);
  if (!format) {
    throw new PkiInputError('collectFormat', `${JSON.stringify(value)} is not an SCM collect format (one of ${COLLECT_FORMATS.join(', ')})`);
  }
  return format;
}

/**
 * SCM answered collect with 200 but the body is not what the format promises.
 * `empty` bodies are best treated as "not issued yet" (some SCM clients see
 * them); anything else is SCM's fault, not the caller's.
 */
export class CollectedBodyError extends Error {
  constructor(
    message: string,
    readonly empty: boolean,
  ) {
    super(message);
    this.name = 'CollectedBodyError';
  }
}

export interface CollectedCertificate {
  /** The issued certificate; null for the CA-only formats x509IO and x509IOR. */
  leaf: string | null;
  /** CA certificates, issuer of the leaf first, root last if SCM sent it. */
  chain: string[];
}

/**
 * Turns a collect body into PEM leaf + chain. Orders by issuer/subject links
 * rather than trusting each format's documented order: the evidence for those
 * orders is observational and clients that trusted it broke before.
 * Pass `bin` bodies as a Buffer: decoding DER as UTF-8 text destroys it.
 */
export function decodeCollected(body: string | Buffer, format: string = DEFAULT_COLLECT_FORMAT): CollectedCertificate {
  const collectFormat = parseCollectFormat(format);
  if (body.length === 0 || (typeof body === 'string' && body.trim() === '')) {
    throw new CollectedBodyError(`SCM returned an empty ${collectFormat} body`, true);
  }
  const certs = PKCS7_FORMATS.has(collectFormat) ? certificatesOfPkcs7(body, collectFormat) : splitPemChain(body.toString());
  if (certs.length === 0) {
    throw new CollectedBodyError(`SCM's ${collectFormat} body holds no certificate`, false);
  }
  let ordered;
  try {
    ordered = orderChain(certs, `collected ${collectFormat}`);
  } catch (error) {
    throw new CollectedBodyError(error instanceof Error ? error.message : String(error), false);
  }
  if (CA_ONLY_FORMATS.has(collectFormat)) return { leaf: null, chain: [ordered.leaf, ...ordered.chain] };
  return ordered;
}

// SCM labels both formats PKCS#7, but bodies get re-encoded on the way (a
// stored `bin` body may come back base64, a `base64` one with or without its
// PEM armour), so every encoding is accepted for either.
function certificatesOfPkcs7(body: string | Buffer, format: CollectFormat): string[] {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1');
  const isDer = bytes[0] === 0x30;
  let der: Uint8Array<ArrayBuffer>;
  if (isDer) {
    der = new Uint8Array(bytes);
  } else {
    const text = bytes.toString('latin1');
    const block = findPemBlocks(text).find((b) => b.label === 'PKCS7' || b.label === 'CMS');
    der = block ? block.der : new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'base64'));
  }
  try {
    return certificatesInSignedData(der).map((cert) => toPem('CERTIFICATE', cert));
  } catch {
    throw new CollectedBodyError(`SCM's ${format} body is not a readable PKCS#7 certificate bundle`, false);
  }
}

const SIGNED_DATA = '1.2.840.113549.1.7.2';
const CERTIFICATES = 0xa0;

/**
 * The `certificates` of a PKCS#7 SignedData (RFC 5652 §5.1: ContentInfo,
 * then SignedData's [0] IMPLICIT SET OF CertificateChoices), each as its DER;
 * choices other than a plain certificate are skipped.
 */
function certificatesInSignedData(der: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer>[] {
  const [contentType, content] = childrenOf(expectTag(readWhole(der), TAG.sequence, 'ContentInfo'));
  if (oidText(expectTag(contentType, TAG.oid, 'contentType').contents) !== SIGNED_DATA) throw new DerShapeError('not a SignedData');
  const [signedData] = childrenOf(expectTag(content, 0xa0, 'content'));
  const certificates = childrenOf(expectTag(signedData, TAG.sequence, 'SignedData')).find((element) => element.tag === CERTIFICATES);
  return certificates ? childrenOf(certificates).filter((choice) => choice.tag === TAG.sequence).map((choice) => choice.bytes) : [];
}
