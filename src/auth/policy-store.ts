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

/** Distinct policy-name lists are few (one per kind of token); this only bounds a pathological mix. */
const MAX_CACHED_ACLS = 1_000;

export class PolicyStore {
  /** Compiled ACLs by policy-name list; any policy write empties it (writes are rare, reads every request). */
  private readonly acls = new Map<string, Promise<Acl>>();

  constructor(private readonly storage: Storage) {}

  async get(name: string): Promise<StoredPolicy | undefined> {
    if (RESERVED_POLICIES.includes(name)) return { name, policy: '', rules: [] };
    return this.storage.get<StoredPolicy>(layout.policy(name));
  }

  async put(entry: StoredPolicy): Promise<void> {
    this.acls.clear();
    await this.storage.put(layout.policy(entry.name), entry);
    this.acls.clear();
  }

  async delete(name: string): Promise<void> {
    this.acls.clear();
    await this.storage.delete(layout.policy(name));
    this.acls.clear();
  }

  /** Another replica wrote these keys (undefined: any key): compiled ACLs go if a policy may be among them. */
  storageChanged(keys: readonly string[] | undefined): void {
    if (keys === undefined || keys.some((key) => key.startsWith(layout.policies))) this.acls.clear();
  }

  /** Stored names plus the built-in ones, as `vault policy list` shows them. */
  async list(): Promise<string[]> {
    const stored = await this.storage.list(layout.policies);
    return [...new Set([...stored, ...RESERVED_POLICIES])].sort();
  }

  /** Asked on every request; an edited or deleted policy applies at once. Unknown names grant nothing, as in Vault. */
  aclFor(names: string[]): Promise<Acl> {
    const key = names.join('\n');
    let acl = this.acls.get(key);
    if (!acl) {
      if (this.acls.size >= MAX_CACHED_ACLS) this.acls.clear();
      acl = Promise.all(names.map((name) => this.get(name))).then((entries) => new Acl(entries.map((entry) => entry?.rules ?? [])));
      this.acls.set(key, acl);
      acl.catch(() => this.acls.delete(key));
    }
    return acl;
  }
}
