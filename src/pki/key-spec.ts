import { PkiInputError } from './input-error.js';

export type RsaBits = 2048 | 3072 | 4096;
export type EcCurve = 'P-256' | 'P-384' | 'P-521';

/** A key the engine can generate and SCM accepts. */
export type KeySpec = { algorithm: 'RSA'; bits: RsaBits } | { algorithm: 'EC'; curve: EcCurve };

const RSA_BITS: readonly RsaBits[] = [2048, 3072, 4096];

// Every spelling seen in the plugin's docs, its sibling integrations (gocert
// uses "P256") and OpenSSL's own names, so a payload written for any of them
// works unchanged.
const CURVE_SPELLINGS: Record<string, EcCurve> = {
  p256: 'P-256', 'p-256': 'P-256', '256': 'P-256', prime256v1: 'P-256', secp256r1: 'P-256',
  p384: 'P-384', 'p-384': 'P-384', '384': 'P-384', secp384r1: 'P-384',
  p521: 'P-521', 'p-521': 'P-521', '521': 'P-521', secp521r1: 'P-521',
};

/**
 * Reads a key algorithm and size as a caller spells them. Both arrive as
 * strings from `k=v` and JSON samples (`"2048"`) or as numbers. No size is
 * the algorithm's usual one (RSA 2048, EC P-256), as Vault's `key_bits=0`.
 */
export function parseKeySpec(algo: unknown, size: unknown): KeySpec {
  const algorithm = String(algo ?? '').trim().toUpperCase();
  const given = size !== undefined && size !== null && String(size).trim() !== '';
  const sizeText = given ? String(size).trim().toLowerCase() : algorithm === 'RSA' ? '2048' : 'p-256';
  if (algorithm === 'RSA') {
    const bits = Number(sizeText);
    if (!RSA_BITS.includes(bits as RsaBits)) {
      throw new PkiInputError('keySize', `${JSON.stringify(size)} is not a supported RSA key size (use 2048, 3072 or 4096)`);
    }
    return { algorithm: 'RSA', bits: bits as RsaBits };
  }
  if (algorithm === 'EC' || algorithm === 'ECDSA') {
    const curve = CURVE_SPELLINGS[sizeText];
    if (!curve) {
      throw new PkiInputError('keySize', `${JSON.stringify(size)} is not a supported EC curve (use P256, P384 or P521)`);
    }
    return { algorithm: 'EC', curve };
  }
  throw new PkiInputError('keyAlgorithm', `${JSON.stringify(algo)} is not supported (use RSA or EC)`);
}

/** `RSA 2048` / `EC P-256`, for messages and docs. */
export function describeKeySpec(spec: KeySpec): string {
  return spec.algorithm === 'RSA' ? `RSA ${spec.bits}` : `EC ${spec.curve}`;
}
