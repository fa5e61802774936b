import { createPublicKey, webcrypto, type KeyObject } from 'node:crypto';
import type { KeySpec } from './key-spec.js';

/**
 * @peculiar/x509 signs through WebCrypto, so node KeyObjects are re-imported
 * as CryptoKeys. Node 20 has no KeyObject.toCryptoKey, hence the DER round
 * trip. The hash follows the key: SHA-256 for RSA (what the plugin used), the
 * curve's own size for EC (as gocert did), so no curve is signed with a hash
 * weaker than its strength.
 */
export function signingAlgorithmFor(spec: KeySpec): RsaHashedImportParams | EcKeyImportParams & EcdsaParams {
  if (spec.algorithm === 'RSA') return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const hash = { 'P-256': 'SHA-256', 'P-384': 'SHA-384', 'P-521': 'SHA-512' }[spec.curve];
  return { name: 'ECDSA', namedCurve: spec.curve, hash };
}

export async function toCryptoKeyPair(privateKey: KeyObject, spec: KeySpec): Promise<CryptoKeyPair> {
  const algorithm = signingAlgorithmFor(spec);
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const [signing, verifying] = await Promise.all([
    webcrypto.subtle.importKey('pkcs8', pkcs8, algorithm, false, ['sign']),
    webcrypto.subtle.importKey('spki', spki, algorithm, true, ['verify']),
  ]);
  return { privateKey: signing, publicKey: verifying } as CryptoKeyPair;
}
