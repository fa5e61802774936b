import { createPrivateKey, type KeyObject } from 'node:crypto';
import { PkiInputError, type PkiInput } from './input-error.js';
import type { EcCurve, KeySpec, RsaBits } from './key-spec.js';
import { normalisePemText } from './pem-text.js';

export interface GeneratedKey {
  spec: KeySpec;
  /** PKCS#8 PEM (`BEGIN PRIVATE KEY`) for both RSA and EC. */
  privateKeyPem: string;
  /** SPKI PEM (`BEGIN PUBLIC KEY`). */
  publicKeyPem: string;
}

/** What a public key is, in the terms SCM profiles and our docs use. */
export interface PublicKeyInfo {
  /** `RSA`, `EC`, or node's name for anything else (`ed25519`, `dsa`, …). */
  algorithm: string;
  /** Modulus length for RSA, field size for EC. */
  bits?: number;
  /** NIST name for EC keys. */
  curve?: EcCurve;
}

const CURVES_BY_OPENSSL_NAME: Record<string, { curve: EcCurve; bits: number }> = {
  prime256v1: { curve: 'P-256', bits: 256 },
  secp384r1: { curve: 'P-384', bits: 384 },
  secp521r1: { curve: 'P-521', bits: 521 },
};

export function describePublicKey(key: KeyObject): PublicKeyInfo {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') return { algorithm: 'RSA', bits: details.modulusLength };
  if (key.asymmetricKeyType === 'ec') {
    const known = CURVES_BY_OPENSSL_NAME[details.namedCurve ?? ''];
    return known ? { algorithm: 'EC', ...known } : { algorithm: `EC ${details.namedCurve ?? 'unknown curve'}` };
  }
  return { algorithm: key.asymmetricKeyType ?? 'unknown' };
}

/**
 * The engine only issues for keys it could have generated itself; anything
 * else (RSA 1024, Ed25519, an odd curve) would be refused by SCM later, after
 * an order might already exist.
 */
export function keySpecOf(info: PublicKeyInfo): KeySpec | undefined {
  if (info.algorithm === 'RSA' && [2048, 3072, 4096].includes(info.bits ?? 0)) {
    return { algorithm: 'RSA', bits: info.bits as RsaBits };
  }
  if (info.algorithm === 'EC' && info.curve) return { algorithm: 'EC', curve: info.curve };
  return undefined;
}

/** `keySpecOf`, with a key of any other kind refused as bad `input`. */
export function supportedKeySpec(info: PublicKeyInfo, input: PkiInput): KeySpec {
  const spec = keySpecOf(info);
  if (!spec) {
    const found = [info.algorithm, info.curve ?? info.bits].filter(Boolean).join(' ');
    throw new PkiInputError(input, `${found} keys are not supported (use RSA 2048, 3072 or 4096, or EC P-256, P-384 or P-521)`);
  }
  return spec;
}

/**
 * Parses a caller-supplied private key (PKCS#8, PKCS#1 or SEC1 PEM).
 * Encrypted keys are refused: there is nowhere to take a passphrase from.
 */
export function readPrivateKey(pem: string): KeyObject {
  const text = normalisePemText(pem);
  if (!/-----BEGIN (RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.test(text)) {
    throw new PkiInputError('privateKey', 'not a PEM private key (perhaps a file path was passed instead of its contents?)');
  }
  // PKCS#8 says so in its label, legacy PKCS#1/SEC1 in a Proc-Type header.
  if (text.includes('ENCRYPTED')) {
    throw new PkiInputError('privateKey', 'encrypted private keys are not supported; supply the key unencrypted');
  }
  try {
    return createPrivateKey({ key: text, format: 'pem' });
  } catch {
    throw new PkiInputError('privateKey', 'the PEM private key could not be read (damaged or truncated?)');
  }
}
