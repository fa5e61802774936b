/**
 * Tokens as Vault's service tokens: a tree in which every token except an
 * orphan has the token that created it as its parent, a lifetime that never
 * passes the parent's, and an accessor that names a token without being it.
 * Only the SHA-256 of a token is ever written (storage.ts: no secrets in
 * keys, and a stolen database must not yield usable tokens).
 *
 * What is stored (keys in layout.ts), always written and deleted together in
 * one batch, so a revoke removes a whole subtree at once or not at all:
 * - `token/<sha256(token)>` (sealed): the entry;
 * - `token-accessor/<accessor>` (sealed): the token's hash, for the accessor
 *   paths and for walking up the tree;
 * - `token-parent/<parent accessor>/<child accessor>` (clear): the tree, read
 *   by range when a token is revoked, to find its children;
 * - `index/expires/token/<ms>/<accessor>` (clear): when the token expires, so
 *   expired tokens nobody presents again are still removed.
 *
 * Why validity walks up the tree at lookup: a child's expiry is capped at its
 * parent's when it is created and renewed, but a parent may later be renewed
 * to a shorter lease, and a storage left by a crash may hold a child whose
 * parent is gone. "Every ancestor is live" is checked, not assumed; what the
 * walk finds dead is revoked with its subtree.
 *
 * Tree writes (create, renew, revoke, sweep) run one at a time in this
 * process, so a child cannot be written under a parent being revoked and a
 * renewal cannot put back a token a revoke just deleted: in this process, or,
 * given the cluster's locks (a storage shared by several replicas), across
 * every replica.
 */
import { hash, randomBytes } from 'node:crypto';
import { UserError } from '../errors.js';
import { layout } from '../storage/layout.js';
import { prefixRange, type BatchOp, type Storage } from '../storage/storage.js';
import type { Locks } from '../lifecycle/locks.js';

export interface TokenEntry {
  accessor: string;
  policies: string[];
  display_name: string;
  /** RFC 3339. */
  creation_time: string;
  /** Seconds; 0 = never expires. */
  creation_ttl: number;
  /** RFC 3339, or null when the token itself does not expire (an ancestor still may). */
  expire_time: string | null;
  // Absent on entries stored before the token tree; read as: an orphan with
  // no explicit max that cannot be renewed (what those tokens were).
  /** The parent's accessor; absent for an orphan. */
  parent?: string;
  /** Seconds from creation the token may never pass, even renewed; 0 = none. */
  explicit_max_ttl?: number;
  renewable?: boolean;
  /** The path that created it: auth/token/create, auth/token/create-orphan or auth/token/root. */
  path?: string;
  meta?: Record<string, string> | null;
  /** CIDR blocks the token may be used from (an AppRole's token_bound_cidrs); absent or empty = anywhere. */
  bound_cidrs?: string[];
  /** RFC 3339, set by a renewal. */
  last_renewal_time?: string;
}

/** A token that is valid now: it and every ancestor exist and have not expired. */
export interface LiveToken {
  entry: TokenEntry;
  tokenHash: string;
  /** Epoch ms of the earliest expiry among the token and its ancestors; null when none expires. */
  expiresAtMs: number | null;
  /** The same over the ancestors only: what a renewal may not pass. */
  ancestorsExpireAtMs: number | null;
}

interface AccessorEntry {
  token_hash: string;
}

export interface CreateTokenOptions {
  policies: string[];
  displayName: string;
  /** Seconds asked for; 0 = none (inherit the parent's remaining lifetime, or never expire). */
  ttlSeconds: number;
  /** Seconds; 0 = none. */
  explicitMaxTtlSeconds: number;
  renewable: boolean;
  /** The creating token; undefined makes an orphan. */
  parent: LiveToken | undefined;
  path: string;
  meta?: Record<string, string> | null;
  /** Parsed CIDR blocks the token may be used from (require-token.ts checks them). */
  boundCidrs?: string[];
  /** A fixed token id (the dev-mode root token). */
  id?: string;
  /** Written in the same batch as the token (the root token's "issued" marker). */
  alsoWrite?: BatchOp[];
}

export const ROOT_POLICY = 'root';

/** Shows a new root token to the operator (stdout, a 0600 file); resolves once it has been written out. */
export type AnnounceRootToken = (token: string) => Promise<void>;

/** Which index layout the token entries have; stores older than 1 get their accessor entries at start. */
const TOKEN_INDEX_VERSION = 1;

/** Bounds one sweep pass, so the request that triggers it stays quick. */
const SWEEP_BATCH = 100;

const ACCESSOR_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

function hashOf(token: string): string {
  return hash('sha256', token, 'hex');
}

/** `hvs.` like Vault 1.10+, so users and secret scanners recognise it. */
function newTokenId(): string {
  return `hvs.${randomBytes(24).toString('base64url')}`;
}

export function isRoot(entry: TokenEntry): boolean {
  return entry.policies.includes(ROOT_POLICY);
}

export function isOrphan(entry: TokenEntry): boolean {
  return entry.parent === undefined;
}

/** The token's own expiry in epoch ms; null when it does not expire. */
function ownExpiry(entry: TokenEntry): number | null {
  return entry.expire_time === null ? null : Date.parse(entry.expire_time);
}

function earliest(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

/** Whole seconds left until `atMs` (rounded up, so a live token never reports 0 = "never expires"); 0 when null. */
export function secondsUntil(atMs: number | null, nowMs = Date.now()): number {
  if (atMs === null) return 0;
  return Math.max(0, Math.ceil((atMs - nowMs) / 1000));
}

/**
 * When a new token expires: its ttl (or its explicit max when no ttl was
 * asked for), capped at the explicit max, then at the parent's remaining
 * lifetime. A child created without ttl under a mortal parent inherits the
 * parent's expiry: never "forever" under a parent that dies.
 */
export function planExpiry(
  nowMs: number,
  ttlSeconds: number,
  explicitMaxTtlSeconds: number,
  parentExpiresAtMs: number | null,
): { expiresAtMs: number | null; warnings: string[] } {
  const warnings: string[] = [];
  let ttl = ttlSeconds > 0 ? ttlSeconds : explicitMaxTtlSeconds;
  if (explicitMaxTtlSeconds > 0 && ttl > explicitMaxTtlSeconds) {
    warnings.push(`ttl of ${ttl}s is longer than explicit_max_ttl of ${explicitMaxTtlSeconds}s; the ttl is capped at explicit_max_ttl`);
    ttl = explicitMaxTtlSeconds;
  }
  let expiresAtMs = ttl > 0 ? nowMs + ttl * 1000 : null;
  if (parentExpiresAtMs !== null && (expiresAtMs === null || expiresAtMs > parentExpiresAtMs)) {
    if (ttlSeconds > 0) {
      warnings.push(`ttl of ${ttlSeconds}s is longer than the parent token's remaining ${secondsUntil(parentExpiresAtMs, nowMs)}s; a child token never outlives its parent, so the ttl is capped`);
    }
    expiresAtMs = parentExpiresAtMs;
  }
  return { expiresAtMs, warnings };
}

function accessorLink(entry: TokenEntry, tokenHash: string): BatchOp[] {
  const ops: BatchOp[] = [{ type: 'put', key: layout.tokenAccessor(entry.accessor), value: { token_hash: tokenHash } satisfies AccessorEntry }];
  if (entry.expire_time !== null) ops.push({ type: 'putClear', key: layout.tokenExpiry(Date.parse(entry.expire_time), entry.accessor), value: {} });
  return ops;
}

export class TokenStore {
  private writes: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly storage: Storage,
    private readonly locks?: Pick<Locks, 'exclusive'>,
  ) {}

  async create(options: CreateTokenOptions): Promise<{ id: string; entry: TokenEntry; warnings: string[] }> {
    return this.serialized(async () => {
      const id = options.id ?? newTokenId();
      const now = Date.now();
      const parent = options.parent;
      if (parent && !(await this.storage.get<AccessorEntry>(layout.tokenAccessor(parent.entry.accessor)))) {
        // Revoked between the request's lookup and now.
        throw new UserError('the calling token was revoked while the token was being created');
      }
      const { expiresAtMs, warnings } = planExpiry(now, options.ttlSeconds, options.explicitMaxTtlSeconds, parent?.expiresAtMs ?? null);
      const entry: TokenEntry = {
        accessor: randomBytes(12).toString('base64url'),
        policies: [...new Set(options.policies)].sort(),
        display_name: options.displayName,
        creation_time: new Date(now).toISOString(),
        creation_ttl: secondsUntil(expiresAtMs, now),
        expire_time: expiresAtMs === null ? null : new Date(expiresAtMs).toISOString(),
        ...(parent ? { parent: parent.entry.accessor } : {}),
        explicit_max_ttl: options.explicitMaxTtlSeconds,
        // A token that never expires has nothing to renew.
        renewable: options.renewable && expiresAtMs !== null,
        path: options.path,
        meta: options.meta ?? null,
        ...(options.boundCidrs && options.boundCidrs.length > 0 ? { bound_cidrs: options.boundCidrs } : {}),
      };
      const tokenHash = hashOf(id);
      const ops: BatchOp[] = [{ type: 'put', key: layout.token(tokenHash), value: entry }, ...accessorLink(entry, tokenHash), ...(options.alsoWrite ?? [])];
      if (parent) ops.push({ type: 'putClear', key: layout.tokenChild(parent.entry.accessor, entry.accessor), value: {} });
      await this.storage.batch(ops);
      return { id, entry, warnings };
    }).finally(() => this.sweepExpired().catch(() => undefined));
  }

  /** The entry for a live token; undefined for unknown, revoked or expired ones (or ones under such a parent). */
  async lookup(id: string): Promise<TokenEntry | undefined> {
    return (await this.lookupLive(id))?.entry;
  }

  async lookupLive(id: string): Promise<LiveToken | undefined> {
    return this.liveByHash(hashOf(id));
  }

  /** undefined for a malformed or unknown accessor, or one whose token is no longer live. */
  async lookupAccessor(accessor: string): Promise<LiveToken | undefined> {
    if (!ACCESSOR_PATTERN.test(accessor)) return undefined;
    const link = await this.storage.get<AccessorEntry>(layout.tokenAccessor(accessor));
    return link && this.liveByHash(link.token_hash);
  }

  /** Revokes the token and every token below it; an unknown token is already revoked. */
  async revoke(id: string): Promise<void> {
    const tokenHash = hashOf(id);
    const entry = await this.storage.get<TokenEntry>(layout.token(tokenHash));
    if (entry) await this.revokeTree(tokenHash, entry);
  }

  async revokeLive(token: LiveToken): Promise<void> {
    await this.revokeTree(token.tokenHash, token.entry);
  }

  /**
   * Extends a live token's lease to now + `incrementSeconds` (or its creation
   * ttl when 0), never past its explicit max nor its ancestors' expiry.
   */
  async renew(token: LiveToken, incrementSeconds: number): Promise<{ entry: TokenEntry; warnings: string[] }> {
    const { entry } = token;
    if (entry.expire_time === null) throw new UserError('token: does not expire, so there is nothing to renew');
    if (entry.renewable !== true) throw new UserError('token: is not renewable');
    return this.serialized(async () => {
      const key = layout.token(token.tokenHash);
      if (!(await this.storage.get<TokenEntry>(key))) throw new UserError('token: was revoked');
      const now = Date.now();
      const warnings: string[] = [];
      const increment = incrementSeconds > 0 ? incrementSeconds : entry.creation_ttl;
      let expiresAtMs = now + increment * 1000;
      const explicitMax = entry.explicit_max_ttl ?? 0;
      if (explicitMax > 0) {
        const limit = Date.parse(entry.creation_time) + explicitMax * 1000;
        if (expiresAtMs > limit) {
          warnings.push(`increment of ${increment}s passes the token's explicit_max_ttl of ${explicitMax}s; the lease ends at the explicit max`);
          expiresAtMs = limit;
        }
      }
      if (token.ancestorsExpireAtMs !== null && expiresAtMs > token.ancestorsExpireAtMs) {
        warnings.push(`increment of ${increment}s passes the parent token's expiry; a child token never outlives its parent, so the lease ends with the parent's`);
        expiresAtMs = token.ancestorsExpireAtMs;
      }
      const renewed: TokenEntry = { ...entry, expire_time: new Date(expiresAtMs).toISOString(), last_renewal_time: new Date(now).toISOString() };
      await this.storage.batch([
        { type: 'put', key, value: renewed },
        { type: 'del', key: layout.tokenExpiry(Date.parse(entry.expire_time!), entry.accessor) },
        { type: 'putClear', key: layout.tokenExpiry(expiresAtMs, entry.accessor), value: {} },
      ]);
      return { entry: renewed, warnings };
    });
  }

  /**
   * Removes tokens whose expiry has passed, with their subtrees, at most one
   * bounded batch per call: run after each create, so expired tokens that are
   * never presented again do not pile up. Failures are left for the next pass.
   */
  async sweepExpired(nowMs = Date.now()): Promise<void> {
    const due: string[] = [];
    for await (const [key] of this.storage.range({ gte: layout.tokenExpiries, lt: layout.tokenExpiredUntil(nowMs), limit: SWEEP_BATCH })) due.push(key);
    for (const key of due) {
      const accessor = key.slice(layout.tokenExpiries.length).split('/')[1]!;
      await this.serialized(async () => {
        const ops: BatchOp[] = [{ type: 'del', key }];
        const link = await this.storage.get<AccessorEntry>(layout.tokenAccessor(accessor));
        const entry = link && (await this.storage.get<TokenEntry>(layout.token(link.token_hash)));
        const expiry = entry ? ownExpiry(entry) : null;
        // A renewed token's old key is deleted with the renewal; this only guards against a clock moved back.
        if (entry && expiry !== null && expiry <= nowMs) await this.collectSubtree(accessor, ops);
        await this.storage.batch(ops);
      }).catch(() => undefined);
    }
  }

  /**
   * The root token on first start (returned so it can be printed once), or
   * the fixed dev id when given. Later starts return undefined: the root token
   * exists only in the operator's hands. Called once at start, so it also
   * gives tokens stored before the token tree their accessor entries.
   */
  async ensureRootToken(fixedId?: string, announce?: AnnounceRootToken): Promise<string | undefined> {
    await this.indexStoredTokens();
    if (fixedId !== undefined) {
      if (!(await this.lookup(fixedId))) await this.createRoot(fixedId);
      return fixedId;
    }
    if (await this.storage.get<boolean>(layout.rootTokenIssued)) return undefined;
    return this.generateRoot(announce);
  }

  /**
   * A new root token (first start, `operator generate-root`). `announce` shows
   * it before it is stored: a crash before it was shown leaves no valid
   * root token that nobody saw, and a crash loop cannot pile up valid ones;
   * the next start, finding none issued, shows a new one.
   */
  async generateRoot(announce?: AnnounceRootToken): Promise<string> {
    const id = newTokenId();
    await announce?.(id);
    return this.createRoot(id);
  }

  private async createRoot(id?: string): Promise<string> {
    const created = await this.create({
      policies: [ROOT_POLICY],
      ttlSeconds: 0,
      explicitMaxTtlSeconds: 0,
      renewable: false,
      displayName: 'root',
      parent: undefined,
      path: 'auth/token/root',
      id,
      // One batch: a crash cannot leave a stored root token without the marker (the next start would make another).
      alsoWrite: [{ type: 'put', key: layout.rootTokenIssued, value: true }],
    });
    return created.id;
  }

  /** Tokens stored before the token tree have no accessor or expiry entries: write them once. */
  private async indexStoredTokens(): Promise<void> {
    if ((await this.storage.get<number>(layout.tokenIndexVersion)) === TOKEN_INDEX_VERSION) return;
    for (const tokenHash of await this.storage.list(layout.tokens)) {
      const entry = await this.storage.get<TokenEntry>(layout.token(tokenHash));
      if (entry) await this.storage.batch(accessorLink(entry, tokenHash));
    }
    await this.storage.put(layout.tokenIndexVersion, TOKEN_INDEX_VERSION);
  }

  private async liveByHash(tokenHash: string): Promise<LiveToken | undefined> {
    const entry = await this.storage.get<TokenEntry>(layout.token(tokenHash));
    if (entry === undefined) return undefined;
    const now = Date.now();
    const own = ownExpiry(entry);
    if (own !== null && own <= now) {
      await this.revokeTree(tokenHash, entry);
      return undefined;
    }
    let ancestorsExpireAtMs: number | null = null;
    let below = { tokenHash, entry };
    for (let parentAccessor = entry.parent; parentAccessor !== undefined; ) {
      const link = await this.storage.get<AccessorEntry>(layout.tokenAccessor(parentAccessor));
      const parent = link && (await this.storage.get<TokenEntry>(layout.token(link.token_hash)));
      if (!link || !parent) {
        // The parent was revoked: what hangs below it goes too.
        await this.revokeTree(below.tokenHash, below.entry);
        return undefined;
      }
      const parentExpiry = ownExpiry(parent);
      if (parentExpiry !== null && parentExpiry <= now) {
        await this.revokeTree(link.token_hash, parent);
        return undefined;
      }
      ancestorsExpireAtMs = earliest(ancestorsExpireAtMs, parentExpiry);
      below = { tokenHash: link.token_hash, entry: parent };
      parentAccessor = parent.parent;
    }
    return { entry, tokenHash, expiresAtMs: earliest(own, ancestorsExpireAtMs), ancestorsExpireAtMs };
  }

  private revokeTree(tokenHash: string, entry: TokenEntry): Promise<void> {
    return this.serialized(async () => {
      // The token's own key by hash too: an entry stored before the token tree may not have its accessor entry yet.
      const ops: BatchOp[] = [{ type: 'del', key: layout.token(tokenHash) }];
      if (entry.parent !== undefined) ops.push({ type: 'del', key: layout.tokenChild(entry.parent, entry.accessor) });
      await this.collectSubtree(entry.accessor, ops);
      await this.storage.batch(ops);
    });
  }

  /** Adds to `ops` the deletion of the token named by `accessor` and of every token below it. */
  private async collectSubtree(accessor: string, ops: BatchOp[]): Promise<void> {
    const queue = [accessor];
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      ops.push({ type: 'del', key: layout.tokenAccessor(next) });
      const link = await this.storage.get<AccessorEntry>(layout.tokenAccessor(next));
      const entry = link && (await this.storage.get<TokenEntry>(layout.token(link.token_hash)));
      if (link) ops.push({ type: 'del', key: layout.token(link.token_hash) });
      if (entry?.expire_time) ops.push({ type: 'del', key: layout.tokenExpiry(Date.parse(entry.expire_time), next) });
      if (entry?.parent !== undefined) ops.push({ type: 'del', key: layout.tokenChild(entry.parent, next) });
      const children = layout.tokenChildren(next);
      for await (const [key] of this.storage.range(prefixRange(children))) {
        ops.push({ type: 'del', key });
        queue.push(key.slice(children.length));
      }
    }
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    if (this.locks) return this.locks.exclusive('token-tree', work);
    const run = this.writes.then(work, work);
    this.writes = run.catch(() => undefined);
    return run;
  }
}

/** Remaining seconds of a live token, as lookup reports `ttl`. */
export function remainingTtl(token: LiveToken): number {
  return secondsUntil(token.expiresAtMs);
}
