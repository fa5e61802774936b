/**
 * Certificate profiles (plugin §1.9): a copy of one SCM `types` entry per
 * profile id, under `profile/<config>/<type_id>`, stored as SCM sent it
 * (camelCase). Enroll checks key and term against it (profile-check.ts).
 */
import { NotFoundError } from '../errors.js';
import { layout } from '../storage/layout.js';
import type { Storage } from '../storage/storage.js';

/** One element of SCM's `/types` array, stored as-is. */
export interface StoredProfile {
  id: number;
  name?: string;
  terms?: number[];
  keyTypes?: Record<string, string[]>;
}

export class ProfileStore {
  constructor(private readonly storage: Storage) {}

  get(config: string, typeId: number): Promise<StoredProfile | undefined> {
    return this.storage.get<StoredProfile>(layout.profile(config, typeId));
  }

  async require(config: string, typeId: number): Promise<StoredProfile> {
    const profile = await this.get(config, typeId);
    if (!profile) throw new NotFoundError();
    return profile;
  }

  put(config: string, profile: StoredProfile): Promise<void> {
    return this.storage.put(layout.profile(config, profile.id), profile);
  }

  delete(config: string, typeId: number): Promise<void> {
    return this.storage.delete(layout.profile(config, typeId));
  }

  list(config: string): Promise<string[]> {
    return this.storage.list(layout.profiles(config));
  }
}
