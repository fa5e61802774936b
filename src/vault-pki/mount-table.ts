/**
 * The PKI engines mounted while the server runs (`sys/mounts/<path>` with
 * `{"type":"pki"}`, as `vault secrets enable -path=pki_int pki` sends), kept
 * under `mount/<path>` so they survive a restart. Each mount serves the same
 * path table (paths.ts) with its own roles. The default mount (`pki`) is
 * created once, at the first start that has it configured: unmounting it
 * sticks.
 */
import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import { UserError } from '../errors.js';
import type { PathDefinition } from '../framework/path.js';
import type { RequestState } from '../framework/request-state.js';
import { mountPaths } from '../framework/router.js';
import type { LifecycleServices } from '../lifecycle/services.js';
import { layout } from '../storage/layout.js';
import type { Storage } from '../storage/storage.js';
import type { PkiEngineContext } from './context.js';
import { isPublicPkiPath, pkiPaths } from './paths.js';
import { RoleStore } from './role.js';

export interface PkiMountEntry {
  type: 'pki';
  description: string;
  uuid: string;
  accessor: string;
}

/** One segment, as names are: `pki`, `pki_int`, `pki-eu`. */
const MOUNT_PATH = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;
/** Vault's own prefixes: a mount there would never be reached. */
const RESERVED = ['sys', 'auth', 'identity', 'cubbyhole'];

export class PkiMountTable {
  private readonly mounted = new Map<string, { entry: PkiMountEntry; route: Middleware<RequestState> }>();
  private readonly roles: RoleStore;

  constructor(
    private readonly storage: Storage,
    private readonly lifecycle: LifecycleServices,
    /** The Sectigo engine's mount: no PKI mount may take it. */
    private readonly engineMount: string,
  ) {
    this.roles = new RoleStore(storage);
  }

  /** Mounts what storage holds, and the default mount on the first start that names one. */
  async load(defaultMount: string): Promise<void> {
    for (const path of await this.storage.list(layout.mounts)) {
      const entry = await this.storage.get<PkiMountEntry>(layout.mount(path));
      if (entry) this.attach(path, entry);
    }
    if (defaultMount === '' || (await this.storage.getClear<boolean>(layout.pkiDefaultMounted))) return;
    const entry = this.mounted.has(defaultMount) ? undefined : newEntry('PKI engine over SCM (default mount)');
    await this.storage.batch([
      ...(entry ? [{ type: 'put' as const, key: layout.mount(defaultMount), value: entry }] : []),
      { type: 'putClear', key: layout.pkiDefaultMounted, value: true },
    ]);
    if (entry) this.attach(defaultMount, entry);
  }

  entries(): Array<[path: string, entry: PkiMountEntry]> {
    return [...this.mounted].map(([path, { entry }]) => [path, entry]);
  }

  async mount(path: string, description: string): Promise<void> {
    if (!MOUNT_PATH.test(path)) throw new UserError(`path: "${path}" is not a mount path (one segment of letters, digits, ".", "_" and "-")`);
    if (RESERVED.includes(path) || path === this.engineMount.split('/')[0] || this.mounted.has(path)) {
      throw new UserError(`path is already in use at ${path}/`);
    }
    const entry = newEntry(description);
    await this.storage.put(layout.mount(path), entry);
    this.attach(path, entry);
  }

  /** Unmounts and deletes the mount's roles, as Vault deletes a mount's data; the certificates stay with their config entries. */
  async unmount(path: string): Promise<void> {
    if (!this.mounted.has(path)) throw new UserError(`no matching mount at "${path}/"`);
    await this.storage.batch([{ type: 'del', key: layout.mount(path) }, ...(await this.roles.deleteAllOps(path))]);
    this.mounted.delete(path);
  }

  /** Routes a request to the mount its path starts with; others pass on. */
  routes(): Middleware<RequestState> {
    return async (ctx, next) => {
      const mount = this.mounted.get(ctx.state.vaultPath.split('/')[0]!);
      return mount ? mount.route(ctx, next) : next();
    };
  }

  /** Reading a mount's CA and certificates needs no token (require-token.ts). */
  isPublic(vaultPath: string): boolean {
    const slash = vaultPath.indexOf('/');
    return slash > 0 && this.mounted.has(vaultPath.slice(0, slash)) && isPublicPkiPath(vaultPath.slice(slash + 1));
  }

  /** The OpenAPI document's sections, one per mount. */
  openApiSections(): Array<{ mount: string; definitions: PathDefinition<unknown>[] }> {
    return [...this.mounted.keys()].map((path) => ({ mount: `${path}/`, definitions: pkiPaths as PathDefinition<unknown>[] }));
  }

  private attach(path: string, entry: PkiMountEntry): void {
    const context: PkiEngineContext = { mount: path, roles: this.roles, lifecycle: this.lifecycle };
    this.mounted.set(path, { entry, route: mountPaths({ mount: path, mountType: 'pki', definitions: pkiPaths, context }) });
  }
}

function newEntry(description: string): PkiMountEntry {
  const uuid = randomUUID();
  return { type: 'pki', description, uuid, accessor: `pki_${uuid.slice(0, 8)}` };
}
