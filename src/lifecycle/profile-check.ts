/**
 * SPEC §4.2: when a profile was downloaded for the cert type
 * (`profile/<config>/<type_id>`, written by the profile path), the key and
 * validity are checked against it before anything is sent to SCM — the same
 * promise the plugin makes, and cheaper than an SCM -36 after key generation.
 */
import type { Storage } from '../storage/storage.js';
import { UserError } from '../errors.js';
import { describeKeySpec, parseKeySpec, type KeySpec } from '../pki/index.js';
import type { EnrollRequest } from './enroll-request.js';
import type { CertificateType } from './record.js';

/** One element of SCM's `/types` array, stored as-is. */
export interface StoredProfile {
  id: number;
  name?: string;
  terms?: number[];
  keyTypes?: Record<string, string[]>;
}

export function profileKey(config: string, typeId: number | string): string {
  return `profile/${config}/${typeId}`;
}

function sameKey(spec: KeySpec, algorithm: string, size: string): boolean {
  try {
    const allowed = parseKeySpec(algorithm, size);
    return describeKeySpec(allowed) === describeKeySpec(spec);
  } catch {
    return false; // sizes we cannot generate (RSA 1024, 8192) never match
  }
}

export async function checkAgainstProfile(
  storage: Storage,
  config: string,
  type: CertificateType,
  req: EnrollRequest,
  keySpec: KeySpec | undefined,
): Promise<void> {
  const typeField = type === 'ssl_cert' ? 'sectigo_ssl_cert_type' : 'sectigo_client_cert_type';
  const validityField = type === 'ssl_cert' ? 'sectigo_ssl_cert_validity' : 'sectigo_client_cert_validity';
  const typeId = req[typeField];
  if (typeId === undefined) return;
  const profile = await storage.get<StoredProfile>(profileKey(config, typeId));
  if (!profile) return;
  const validity = req[validityField];
  if (profile.terms && profile.terms.length > 0 && validity !== undefined && !profile.terms.map(Number).includes(validity)) {
    throw new UserError(`${validityField}: ${validity} days is not a term of profile ${typeId} (allowed: ${profile.terms.join(', ')})`);
  }
  if (keySpec && profile.keyTypes && Object.keys(profile.keyTypes).length > 0) {
    const ok = Object.entries(profile.keyTypes).some(([algorithm, sizes]) => sizes.some((size) => sameKey(keySpec, algorithm, size)));
    if (!ok) {
      const allowed = Object.entries(profile.keyTypes).map(([a, sizes]) => `${a} ${sizes.join('/')}`).join(', ');
      throw new UserError(`sectigo_csr_key_size: ${describeKeySpec(keySpec)} is not allowed by profile ${typeId} (allowed: ${allowed})`);
    }
  }
}
