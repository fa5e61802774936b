/**
 * Writing a PKCS#10 CertificationRequest (RFC 2986). Split in two because the
 * halves run on different threads: what the request says is checked and
 * encoded by the caller (bad input is reported there, as a PkiInputError),
 * the key is made or read and the request signed in a key-pool worker.
 */
import { sign, type KeyObject } from 'node:crypto';
import { INTEGER_ZERO, NULL, bitString, contextConstructed, oid, sequence, setOfOne } from './der.js';
import { encodeSubject, type CsrSubject } from './csr-subject.js';
import type { KeySpec } from './key-spec.js';
import { toPem } from './pem-text.js';
import { subjectAltNameExtension, toGeneralName } from './subject-alt-names.js';

/** The encoded subject and attributes of a request, ready to be signed by any key. */
export interface CsrContent {
  name: Uint8Array;
  attributes: Uint8Array;
}

const EXTENSION_REQUEST_OID = '1.2.840.113549.1.9.14';

export function csrContent(subject: CsrSubject, subjectAltNames: readonly string[]): CsrContent {
  const name = encodeSubject(subject);
  const generalNames = subjectAltNames.map(toGeneralName);
  // Without SANs there is no extension to request, and the attributes are an empty [0].
  const attributes =
    generalNames.length === 0
      ? contextConstructed(0)
      : contextConstructed(0, sequence(oid(EXTENSION_REQUEST_OID), setOfOne(sequence(subjectAltNameExtension(generalNames)))));
  return { name, attributes };
}

/**
 * The signature follows the key: SHA-256 for RSA (what the plugin used), the
 * curve's own size for EC (as gocert did), so no curve is signed with a hash
 * weaker than its strength.
 */
const SIGNATURES: Record<string, { hash: string; algorithm: Uint8Array }> = {
  RSA: { hash: 'sha256', algorithm: sequence(oid('1.2.840.113549.1.1.11'), NULL) },
  'P-256': { hash: 'sha256', algorithm: sequence(oid('1.2.840.10045.4.3.2')) },
  'P-384': { hash: 'sha384', algorithm: sequence(oid('1.2.840.10045.4.3.3')) },
  'P-521': { hash: 'sha512', algorithm: sequence(oid('1.2.840.10045.4.3.4')) },
};

/** The PEM request for `content`, signed by `privateKey` (of kind `spec`, with SubjectPublicKeyInfo `spki`). */
export function signCsr(content: CsrContent, privateKey: KeyObject, spec: KeySpec, spki: Uint8Array): string {
  const { hash, algorithm } = SIGNATURES[spec.algorithm === 'RSA' ? 'RSA' : spec.curve];
  const info = sequence(INTEGER_ZERO, content.name, spki, content.attributes);
  // ECDSA signatures come out DER-encoded (node's default), as X.509 wants them.
  const signature = sign(hash, info, privateKey);
  return toPem('CERTIFICATE REQUEST', sequence(info, algorithm, bitString(signature)));
}
