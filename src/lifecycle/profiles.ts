/**
 * Certificate profiles (plugin §1.9): a copy of one SCM `types` entry per
 * profile id, under `profile/<config>/<type_id>`, stored as SCM sent it
 * (camelCase). Enroll checks key and term against it (profile-check.ts).
 */
import { NotFoundError, UserError } from '../errors.js';
import { profileKey, type StoredProfile } from './profile-check.js';
import { refusalsAsUserErrors } from './scm-refusal.js';
import type { CertificateLifecycle } from './lifecycle.js';

export function parseProfileId(typeId: string): number {
  if (!/^\d{1,9}$/.test(typeId) || Number(typeId) < 1) {
    throw new UserError(`type_id: "${typeId}" is not an SCM profile id (a positive integer, the sectigo_*_cert_type you enroll with)`);
  }
  return Number(typeId);
}

/** Downloads the profile list from SCM and stores the entry with this id. */
export async function downloadProfile(
  lifecycle: CertificateLifecycle,
  config: string,
  typeId: number,
  orgId?: number,
): Promise<StoredProfile> {
  const { sectigo_config_type: type } = await lifecycle.deps.loadConfig(config);
  const orders = await lifecycle.deps.ordersFor(config);
  const profiles = await refusalsAsUserErrors(() => orders.profiles(type, orgId));
  const profile = profiles.find((p) => p.id === typeId);
  if (!profile) {
    const scope = orgId === undefined ? '' : ` for organization ${orgId}`;
    const known = profiles.map((p) => p.id).join(', ') || 'none';
    throw new NotFoundError(`type_id: SCM has no ${type} profile ${typeId}${scope} (it has: ${known})`);
  }
  await lifecycle.deps.storage.put(profileKey(config, typeId), profile);
  return profile;
}

export async function readProfile(lifecycle: CertificateLifecycle, config: string, typeId: number): Promise<StoredProfile> {
  const profile = await lifecycle.deps.storage.get<StoredProfile>(profileKey(config, typeId));
  if (!profile) throw new NotFoundError();
  return profile;
}

export function listProfiles(lifecycle: CertificateLifecycle, config: string): Promise<string[]> {
  return lifecycle.deps.storage.list(`profile/${config}/`);
}

export async function deleteProfile(lifecycle: CertificateLifecycle, config: string, typeId: number): Promise<void> {
  await readProfile(lifecycle, config, typeId);
  await lifecycle.deps.storage.delete(profileKey(config, typeId));
}
