/**
 * AppRole's stored data, as Vault's approle backend keeps it: roles, the
 * role_id → role index, and secret IDs with their accessors. A secret ID is
 * a password: only its SHA-256 is ever written (in a key, as the token store
 * does; the value behind it is sealed), so neither a stolen database nor a
 * LIST yields one. Role IDs are indexed by hash too: they are half of a login.
 *
 * What is written together, in one batch:
 * - a secret ID: its entry, its accessor link and (when it expires) its
 *   clear expiry index entry, so it is swept even if never presented again;
 * - a role's deletion: the role, its role_id index and every secret ID.
 *
 * `secret_id_num_uses` is counted under an exclusive lock per secret ID
 * (lifecycle/locks.ts): two logins racing on a secret ID with one use left
 * cannot both succeed. Like LocalLocks, that covers one process.
 */
import { hash, randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError } from '../errors.js';
import { LocalLocks } from '../lifecycle/locks.js';
import { layout, parseTimedKey } from '../storage/layout.js';
import type { BatchOp, Storage } from '../storage/storage.js';

export interface AppRoleEntry {
  name: string;
  role_id: string;
  bind_secret_id: boolean;
  secret_id_bound_cidrs: string[];
  /** 0 = unlimited. */
  secret_id_num_uses: number;
  /** Seconds; 0 = never expires. */
  secret_id_ttl: number;
  token_policies: string[];
  token_no_default_policy: boolean;
  /** Seconds; 0 = the default (DEFAULT_TOKEN_TTL_SECONDS). */
  token_ttl: number;
  /** Seconds from login a token may never pass, even renewed; 0 = the default. */
  token_max_ttl: number;
  /** Seconds; 0 = none. */
  token_explicit_max_ttl: number;
  /** Where login tokens may be used from; empty = anywhere. Absent on roles written before it existed. */
  token_bound_cidrs?: string[];
}

export interface SecretIdEntry {
  secret_id_accessor: string;
  /** Uses left; 0 = unlimited. */
  secret_id_num_uses: number;
  /** Seconds, as issued; 0 = never expires. */
  secret_id_ttl: number;
  creation_time: string;
  /** RFC 3339, or null when it never expires. */
  expiration_time: string | null;
  last_updated_time: string;
  metadata: Record<string, string>;
  cidr_list: string[];
  /** Overrides the role's token_bound_cidrs for tokens this secret ID logs in; empty = the role's. */
  token_bound_cidrs?: string[];
}

interface AccessorLink {
  secret_id_hash: string;
}

interface RoleIdLink {
  name: string;
}

export interface NewSecretId {
  metadata: Record<string, string>;
  cidrList: string[];
  tokenBoundCidrs: string[];
}

/** Vault's default and maximum lease: what a login token gets when the role does not say. */
export const DEFAULT_TOKEN_TTL_SECONDS = 768 * 3600;

/** Bounds one sweep pass, so the request that triggers it stays quick. */
const SWEEP_BATCH = 100;

/** One key for every role write: a role_id must stay unique across roles. */
const ROLES_LOCK = 'approle/roles';

function hashOf(secret: string): string {
  return hash('sha256', secret, 'hex');
}

function isExpired(entry: SecretIdEntry, nowMs: number): boolean {
  return entry.expiration_time !== null && Date.parse(entry.expiration_time) <= nowMs;
}

export class AppRoleStore {
  private readonly locks = new LocalLocks();

  constructor(private readonly storage: Storage) {}

  getRole(name: string): Promise<AppRoleEntry | undefined> {
    return this.storage.get<AppRoleEntry>(layout.appRole(name));
  }

  listRoles(): Promise<string[]> {
    return this.storage.list(layout.appRoles);
  }

  /**
   * Creates or replaces a role. `build` gets the stored role (undefined on
   * create) and returns the new one; it runs under the roles lock, so a
   * concurrent write cannot slip between the read and the write.
   */
  async writeRole(name: string, build: (existing: AppRoleEntry | undefined) => AppRoleEntry): Promise<AppRoleEntry> {
    return this.locks.exclusive(ROLES_LOCK, async () => {
      const existing = await this.getRole(name);
      const role = build(existing);
      const ops: BatchOp[] = [{ type: 'put', key: layout.appRole(name), value: role }];
      if (existing?.role_id !== role.role_id) {
        const owner = await this.storage.get<RoleIdLink>(layout.appRoleId(hashOf(role.role_id)));
        if (owner && owner.name !== name) throw new ConflictError('role_id: already in use by another role');
        if (existing) ops.push({ type: 'del', key: layout.appRoleId(hashOf(existing.role_id)) });
        ops.push({ type: 'put', key: layout.appRoleId(hashOf(role.role_id)), value: { name } satisfies RoleIdLink });
      }
      await this.storage.batch(ops);
      return role;
    });
  }

  /** Removes the role, its role_id and every secret ID it issued; false when there was no such role. */
  async deleteRole(name: string): Promise<boolean> {
    return this.locks.exclusive(ROLES_LOCK, async () => {
      const role = await this.getRole(name);
      if (!role) return false;
      const ops: BatchOp[] = [
        { type: 'del', key: layout.appRole(name) },
        { type: 'del', key: layout.appRoleId(hashOf(role.role_id)) },
      ];
      for (const secretHash of await this.storage.list(layout.secretIds(name))) ops.push({ type: 'del', key: layout.secretId(name, secretHash) });
      for (const accessor of await this.storage.list(layout.secretIdAccessors(name))) ops.push({ type: 'del', key: layout.secretIdAccessor(name, accessor) });
      await this.storage.batch(ops);
      return true;
    });
  }

  /** Every role with its secret IDs (the method is being disabled). */
  async deleteAllRoles(): Promise<void> {
    for (const name of await this.listRoles()) await this.deleteRole(name);
  }

  /** The role a role_id belongs to. */
  async roleByRoleId(roleId: string): Promise<AppRoleEntry | undefined> {
    const link = await this.storage.get<RoleIdLink>(layout.appRoleId(hashOf(roleId)));
    return link && this.getRole(link.name);
  }

  /**
   * A new secret ID for the role: returned once, stored only as its hash.
   * Under the roles lock, so it cannot land beside a role being deleted and
   * outlive it into a new role of the same name.
   */
  async createSecretId(roleName: string, options: NewSecretId): Promise<{ secretId: string; entry: SecretIdEntry }> {
    const created = await this.locks.exclusive(ROLES_LOCK, async () => {
      const role = await this.getRole(roleName);
      if (!role) throw new NotFoundError(`role "${roleName}" does not exist`);
      const secretId = randomUUID();
      const now = Date.now();
      const expiresAtMs = role.secret_id_ttl > 0 ? now + role.secret_id_ttl * 1000 : null;
      const entry: SecretIdEntry = {
        secret_id_accessor: randomUUID(),
        secret_id_num_uses: role.secret_id_num_uses,
        secret_id_ttl: role.secret_id_ttl,
        creation_time: new Date(now).toISOString(),
        expiration_time: expiresAtMs === null ? null : new Date(expiresAtMs).toISOString(),
        last_updated_time: new Date(now).toISOString(),
        metadata: options.metadata,
        cidr_list: options.cidrList,
        token_bound_cidrs: options.tokenBoundCidrs,
      };
      const secretHash = hashOf(secretId);
      const ops: BatchOp[] = [
        { type: 'put', key: layout.secretId(role.name, secretHash), value: entry },
        { type: 'put', key: layout.secretIdAccessor(role.name, entry.secret_id_accessor), value: { secret_id_hash: secretHash } satisfies AccessorLink },
      ];
      if (expiresAtMs !== null) ops.push({ type: 'putClear', key: layout.secretIdExpiry(expiresAtMs, role.name, entry.secret_id_accessor), value: {} });
      await this.storage.batch(ops);
      return { secretId, entry };
    });
    await this.sweepExpired().catch(() => undefined);
    return created;
  }

  /** The secret ID's entry while it is valid (not expired); undefined otherwise. */
  async lookupSecretId(role: string, secretId: string): Promise<SecretIdEntry | undefined> {
    return this.liveEntry(role, hashOf(secretId));
  }

  async lookupAccessor(role: string, accessor: string): Promise<SecretIdEntry | undefined> {
    const link = await this.storage.get<AccessorLink>(layout.secretIdAccessor(role, accessor));
    return link && this.liveEntry(role, link.secret_id_hash);
  }

  /** Expired secret IDs are swept first, so the list holds live ones only. */
  async listAccessors(role: string): Promise<string[]> {
    await this.sweepExpired();
    return this.storage.list(layout.secretIdAccessors(role));
  }

  async destroySecretId(role: string, secretId: string): Promise<void> {
    await this.destroyByHash(role, hashOf(secretId));
  }

  async destroyAccessor(role: string, accessor: string): Promise<boolean> {
    const link = await this.storage.get<AccessorLink>(layout.secretIdAccessor(role, accessor));
    if (!link) return false;
    await this.destroyByHash(role, link.secret_id_hash);
    return true;
  }

  /**
   * A login's use of a secret ID: undefined when it is unknown, destroyed or
   * expired. `admit` runs first and throws to refuse (a client outside the
   * secret ID's CIDRs), so a refused attempt does not spend a use. The last
   * use deletes the secret ID.
   */
  async consumeSecretId(role: string, secretId: string, admit: (entry: SecretIdEntry) => void): Promise<SecretIdEntry | undefined> {
    const secretHash = hashOf(secretId);
    return this.locks.exclusive(`approle/secret-id/${secretHash}`, async () => {
      const entry = await this.liveEntry(role, secretHash);
      if (!entry) return undefined;
      admit(entry);
      if (entry.secret_id_num_uses === 1) {
        await this.storage.batch(this.removalOps(role, secretHash, entry));
      } else if (entry.secret_id_num_uses > 1) {
        const used: SecretIdEntry = { ...entry, secret_id_num_uses: entry.secret_id_num_uses - 1, last_updated_time: new Date().toISOString() };
        await this.storage.put(layout.secretId(role, secretHash), used);
      }
      return entry;
    });
  }

  /**
   * Removes expired secret IDs, one bounded batch per call (after each new
   * secret ID), so those nobody presents again do not pile up.
   */
  async sweepExpired(nowMs = Date.now()): Promise<void> {
    const due: string[] = [];
    for await (const [key] of this.storage.range({ gte: layout.secretIdExpiries, lt: layout.secretIdExpiredUntil(nowMs), limit: SWEEP_BATCH })) due.push(key);
    for (const key of due) {
      const { config: role, id: accessor } = parseTimedKey(key, layout.secretIdExpiries);
      const link = await this.storage.get<AccessorLink>(layout.secretIdAccessor(role, accessor));
      if (link) await this.destroyByHash(role, link.secret_id_hash);
      await this.storage.delete(key);
    }
  }

  /** The entry, or undefined; an expired one is deleted on sight. */
  private async liveEntry(role: string, secretHash: string): Promise<SecretIdEntry | undefined> {
    const entry = await this.storage.get<SecretIdEntry>(layout.secretId(role, secretHash));
    if (!entry) return undefined;
    if (!isExpired(entry, Date.now())) return entry;
    await this.storage.batch(this.removalOps(role, secretHash, entry));
    return undefined;
  }

  private async destroyByHash(role: string, secretHash: string): Promise<void> {
    await this.locks.exclusive(`approle/secret-id/${secretHash}`, async () => {
      const entry = await this.storage.get<SecretIdEntry>(layout.secretId(role, secretHash));
      if (entry) await this.storage.batch(this.removalOps(role, secretHash, entry));
    });
  }

  private removalOps(role: string, secretHash: string, entry: SecretIdEntry): BatchOp[] {
    const ops: BatchOp[] = [
      { type: 'del', key: layout.secretId(role, secretHash) },
      { type: 'del', key: layout.secretIdAccessor(role, entry.secret_id_accessor) },
    ];
    if (entry.expiration_time !== null) ops.push({ type: 'del', key: layout.secretIdExpiry(Date.parse(entry.expiration_time), role, entry.secret_id_accessor) });
    return ops;
  }
}
