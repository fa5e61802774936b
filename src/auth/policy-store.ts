/**
 * ACL policies in storage, under `policy/<name>`: the text as the operator
 * wrote it (what a read returns) and the rules parsed from it (what requests
 * are checked against, so no request parses HCL).
 */
import { layout } from '../storage/layout.js';
import type { Storage } from '../storage/storage.js';
import { Acl } from './acl.js';
import type { PathRule } from './policy-language.js';
import { ROOT_POLICY } from './token-store.js';

export const DEFAULT_POLICY = 'default';

/** Built in and never stored: `root` grants everything, `default` nothing (the token self-paths need no policy). */
export const RESERVED_POLICIES = [DEFAULT_POLICY, ROOT_POLICY];

export interface StoredPolicy {
  name: string;
  policy: string;
  rules: PathRule[];
}

export class PolicyStore {
  constructor(private readonly storage: Storage) {}

  async get(name: string): Promise<StoredPolicy | undefined> {
    if (RESERVED_POLICIES.includes(name)) return { name, policy: '', rules: [] };
    return this.storage.get<StoredPolicy>(layout.policy(name));
  }

  async put(entry: StoredPolicy): Promise<void> {
    await this.storage.put(layout.policy(entry.name), entry);
  }

  async delete(name: string): Promise<void> {
    await this.storage.delete(layout.policy(name));
  }

  /** Stored names plus the built-in ones, as `vault policy list` shows them. */
  async list(): Promise<string[]> {
    const stored = await this.storage.list(layout.policies);
    return [...new Set([...stored, ...RESERVED_POLICIES])].sort();
  }

  /** Read on every request, so an edited or deleted policy applies at once. Unknown names grant nothing, as in Vault. */
  async aclFor(names: string[]): Promise<Acl> {
    const entries = await Promise.all(names.map((name) => this.get(name)));
    return new Acl(entries.map((entry) => entry?.rules ?? []));
  }
}
