/**
 * Downloading certificate profiles (plugin §1.9) from SCM into the profile
 * store (profile-store.ts); enroll checks key and term against them
 * (profile-check.ts).
 */
import { NotFoundError, UserError } from '../errors.js';
import type { CertProfile } from '../scm/index.js';
import type { StoredProfile } from './profile-store.js';
import { refusalsAsUserErrors } from './scm-refusal.js';
import type { Deps } from './services.js';

export function parseProfileId(typeId: string): number {
  if (!/^\d{1,9}$/.test(typeId) || Number(typeId) < 1) {
    throw new UserError(`type_id: "${typeId}" is not an SCM profile id (a positive integer, the sectigo_*_cert_type you enroll with)`);
  }
  return Number(typeId);
}

/** Downloads the profile list from SCM and stores the entry with this id. */
export async function downloadProfile(
  deps: Deps<'configs' | 'profiles' | 'scm'>,
  configName: string,
  typeId: number,
  orgId?: number,
): Promise<StoredProfile> {
  const config = await deps.configs.require(configName);
  const type = config.sectigo_config_type;
  const orders = deps.scm.ordersFor(config);
  const profiles = await refusalsAsUserErrors(() => orders.profiles(type, orgId));
  const profile = profiles.find((p) => p.id === typeId);
  if (!profile) {
    const scope = orgId === undefined ? '' : ` for organization ${orgId}`;
    const known = profiles.map((p) => p.id).join(', ') || 'none';
    throw new NotFoundError(`type_id: SCM has no ${type} profile ${typeId}${scope} (it has: ${known})`);
  }
  await deps.profiles.put(configName, profile);
  return profile;
}


/**
 * What SCM offers the config entry's organization now (`types?organizationId=`),
 * read live and stored nowhere, so a user can choose the
 * `sectigo_ssl_cert_type` / `sectigo_client_cert_type` to enroll with.
 */
export async function availableProfiles(deps: Deps<'configs' | 'scm'>, configName: string): Promise<CertProfile[]> {
  const config = await deps.configs.require(configName);
  const orders = deps.scm.ordersFor(config);
  const profiles = await refusalsAsUserErrors(() => orders.profiles(config.sectigo_config_type, config.sectigo_cm_org_id));
  return [...profiles].sort((a, b) => a.id - b.id);
}
