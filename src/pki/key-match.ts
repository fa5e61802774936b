import { createHash, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { UserError } from '../errors.js';
import { readCertificateDer, tbsFieldsOf } from './certificate.js';
import { decodeCsr } from './csr.js';
import { PkiInputError } from './input-error.js';
import { readPrivateKey } from './keys.js';
import { findPemBlocks } from './pem-text.js';

/**
 * The public key (SPKI DER) of each private key made here lately, by the
 * private key's SHA-256: reading a private key back costs OpenSSL about
 * 0.45 ms, and a collect checks the certificate against the key the enroll
 * made moments before. Public data under a one-way digest: nothing secret
 * is kept.
 */
const knownPublicKeys = new LRUCache<string, Buffer>({ max: 4_096 });

const digestOf = (privateKeyPem: string): string => createHash('sha256').update(privateKeyPem).digest('base64');

/** Remembers the public half of a key pair just made (key-pool.ts). */
export function rememberKeyPair(privateKeyPem: string, publicKeyPem: string): void {
  const [block] = findPemBlocks(publicKeyPem);
  if (block) knownPublicKeys.set(digestOf(privateKeyPem), Buffer.from(block.der));
}

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
  const known = knownPublicKeys.get(digestOf(keyPem));
  let certificate: X509Certificate;
  try {
    // The same SPKI bytes are the same key. Other bytes may still encode it
    // (a compressed EC point), so a difference is left to OpenSSL below.
    if (known?.equals(tbsFieldsOf(der).publicKey)) return true;
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
