import { createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { UserError } from '../errors.js';
import { readCertificateDer } from './certificate.js';
import { decodeCsr } from './csr.js';
import { readPrivateKey } from './keys.js';

// Keys are compared as SPKI DER rather than as PEM text: the same key has
// many encodings (PKCS#1 vs PKCS#8, line lengths), one SPKI.
function spkiOfPrivateKey(key: KeyObject): Buffer {
  return createPublicKey(key).export({ type: 'spki', format: 'der' });
}

/** A supplied `sectigo_private_key` must belong to the supplied `sectigo_csr`. */
export function assertKeyMatchesCsr(keyPem: string, csrPem: string): void {
  const key = spkiOfPrivateKey(readPrivateKey(keyPem, 'sectigo_private_key'));
  const csr = Buffer.from(decodeCsr(csrPem, 'sectigo_csr').publicKey.rawData);
  if (!key.equals(csr)) {
    throw new UserError('sectigo_private_key: does not match the public key of sectigo_csr');
  }
}

/**
 * Whether `certPem` was issued for `keyPem`. Both are expected to be well
 * formed; an unreadable one is reported under the given field names.
 */
export function certificateMatchesKey(
  certPem: string,
  keyPem: string,
  fields: { certificate?: string; privateKey?: string } = {},
): boolean {
  const der = readCertificateDer(certPem, fields.certificate ?? 'certificate');
  let certKey: Buffer;
  try {
    certKey = new X509Certificate(der).publicKey.export({ type: 'spki', format: 'der' });
  } catch {
    throw new UserError(`${fields.certificate ?? 'certificate'}: the PEM certificate could not be decoded`);
  }
  return certKey.equals(spkiOfPrivateKey(readPrivateKey(keyPem, fields.privateKey ?? 'sectigo_private_key')));
}
