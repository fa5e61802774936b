/**
 * SPEC §4.2: when a profile was downloaded for the cert type
 * (`profile/<config>/<type_id>`, written by the profile path), the key and
 * validity are checked against it before anything is sent to SCM — the same
 * promise the plugin makes, and cheaper than an SCM -36 after key generation.
 */
import { UserError } from '../errors.js';
import { describeKeySpec, parseKeySpec, type KeySpec } from '../pki/index.js';
import type { EnrollRequest } from './enroll-request.js';
import type { ProfileStore } from './profile-store.js';
import type { CertificateType } from './record.js';

function sameKey(spec: KeySpec, algorithm: string, size: string): boolean {
  try {
    const allowed = parseKeySpec(algorithm, size);
    return describeKeySpec(allowed) === describeKeySpec(spec);
  } catch {
    return false; // sizes we cannot generate (RSA 1024, 8192) never match
  }
}

export async function checkAgainstProfile(
  profiles: Pick<ProfileStore, 'get'>,
  config: string,
  type: CertificateType,
  req: EnrollRequest,
  keySpec: KeySpec | undefined,
): Promise<void> {
  const typeField = type === 'ssl_cert' ? 'sectigo_ssl_cert_type' : 'sectigo_client_cert_type';
  const validityField = type === 'ssl_cert' ? 'sectigo_ssl_cert_validity' : 'sectigo_client_cert_validity';
  const typeId = req[typeField];
  if (typeId === undefined) return;
  const profile = await profiles.get(config, typeId);
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
