import { createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { UserError } from '../errors.js';
import { readCertificateDer } from './certificate.js';
import { decodeCsr } from './csr.js';
import { PkiInputError } from './input-error.js';
import { readPrivateKey } from './keys.js';

// Keys are compared as SPKI DER rather than as PEM text: the same key has
// many encodings (PKCS#1 vs PKCS#8, line lengths), one SPKI.
function spkiOfPrivateKey(key: KeyObject): Buffer {
  return createPublicKey(key).export({ type: 'spki', format: 'der' });
}

/** Whether `keyPem` is the key `csrPem` was made for; an unreadable key or CSR is a PkiInputError. */
export function keyMatchesCsr(keyPem: string, csrPem: string): boolean {
  return spkiOfPrivateKey(readPrivateKey(keyPem)).equals(Buffer.from(decodeCsr(csrPem).publicKey.rawData));
}

/**
 * Whether `certPem` was issued for `keyPem`. Both are expected to be well
 * formed; an unreadable one is reported under the given names.
 */
export function certificateMatchesKey(
  certPem: string,
  keyPem: string,
  names: { certificate?: string; privateKey?: string } = {},
): boolean {
  const der = readCertificateDer(certPem, names.certificate ?? 'certificate');
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(der);
  } catch {
    throw new UserError(`${names.certificate ?? 'certificate'}: the PEM certificate could not be decoded`);
  }
  let key: KeyObject;
  try {
    key = readPrivateKey(keyPem);
  } catch (error) {
    if (error instanceof PkiInputError && names.privateKey) throw new UserError(`${names.privateKey}: ${error.problem}`);
    throw error;
  }
  // OpenSSL's own check (X509_check_private_key): no public key exported and compared here.
  return certificate.checkPrivateKey(key);
}
