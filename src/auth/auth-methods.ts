/**
 * Which auth methods are enabled, as `sys/auth` shows them. `token/` is
 * always there. `approle/` is off until enabled (`vault auth enable
 * approle`), as in Vault: a server that does not use it offers no login to
 * guess at. Enabling it again is accepted and changes nothing (Vault answers
 * "path is already in use"; scripts that enable it on every deploy keep
 * working here). Disabling it deletes every role and secret ID; tokens it
 * issued live out their TTL.
 *
 * The table is one sealed entry (`core/auth-methods`), read once at start
 * and kept in memory: every AppRole request asks whether it is enabled.
 */
import { randomUUID } from 'node:crypto';
import { layout } from '../storage/layout.js';
import type { Storage } from '../storage/storage.js';

export const APPROLE = 'approle';
export const TOKEN = 'token';

export interface EnabledMethod {
  type: string;
  description: string;
  accessor: string;
  uuid: string;
}

type MethodTable = Record<string, EnabledMethod>;

export class AuthMethods {
  private constructor(
    private readonly storage: Storage,
    private table: MethodTable,
  ) {}

  /** Written on first start with `token/`, so its accessor stays the same across restarts. */
  static async open(storage: Storage): Promise<AuthMethods> {
    const methods = new AuthMethods(storage, (await storage.get<MethodTable>(layout.authMethods)) ?? {});
    await methods.enable(TOKEN, TOKEN, 'token based credentials');
    return methods;
  }

  isEnabled(path: string): boolean {
    return Object.hasOwn(this.table, path);
  }

  /** The enabled methods by path (without the trailing slash). */
  enabled(): Readonly<MethodTable> {
    return this.table;
  }

  /** Idempotent: an enabled method keeps its accessor and description. */
  async enable(path: string, type: string, description: string): Promise<void> {
    if (this.isEnabled(path)) return;
    const accessor = `auth_${type}_${randomUUID().slice(0, 8)}`;
    await this.save({ ...this.table, [path]: { type, description, accessor, uuid: randomUUID() } });
  }

  /** `removeData` deletes what the method stored; it runs before the method is marked off, so a failure leaves it on. */
  async disable(path: string, removeData: () => Promise<void>): Promise<void> {
    if (!this.isEnabled(path)) return;
    await removeData();
    const { [path]: _removed, ...rest } = this.table;
    await this.save(rest);
  }

  private async save(table: MethodTable): Promise<void> {
    await this.storage.put(layout.authMethods, table);
    this.table = table;
  }
}
