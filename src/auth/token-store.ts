/**
 * Tokens, stored as Vault's service tokens would be, except that only the
 * SHA-256 of a token is ever written (storage.ts: no secrets in keys, and a
 * stolen database must not yield usable tokens).
 */
import { layout } from '../storage/layout.js';
import { hash, randomBytes } from 'node:crypto';
import type { Storage } from '../storage/storage.js';

export interface TokenEntry {
  accessor: string;
  policies: string[];
  display_name: string;
  /** RFC 3339. */
  creation_time: string;
  /** Seconds; 0 = never expires. */
  creation_ttl: number;
  /** RFC 3339, or null when the token does not expire. */
  expire_time: string | null;
}

export const ROOT_POLICY = 'root';

/** Shows a new root token to the operator (stdout, a 0600 file); resolves once it has been written out. */
export type AnnounceRootToken = (token: string) => Promise<void>;

function tokenKey(token: string): string {
  return layout.token(hash('sha256', token, 'hex'));
}

/** `hvs.` like Vault 1.10+, so users and secret scanners recognise it. */
function newTokenId(): string {
  return `hvs.${randomBytes(24).toString('base64url')}`;
}

export function isRoot(entry: TokenEntry): boolean {
  return entry.policies.includes(ROOT_POLICY);
}

export class TokenStore {
  constructor(private readonly storage: Storage) {}

  async create(options: { policies: string[]; ttlSeconds: number; displayName: string; id?: string }): Promise<{ id: string; entry: TokenEntry }> {
    const id = options.id ?? newTokenId();
    const now = new Date();
    const entry: TokenEntry = {
      accessor: randomBytes(12).toString('base64url'),
      policies: [...new Set(options.policies)].sort(),
      display_name: options.displayName,
      creation_time: now.toISOString(),
      creation_ttl: options.ttlSeconds,
      expire_time: options.ttlSeconds > 0 ? new Date(now.getTime() + options.ttlSeconds * 1000).toISOString() : null,
    };
    await this.storage.put(tokenKey(id), entry);
    return { id, entry };
  }

  /** The entry for a live token; undefined for unknown or expired ones. */
  async lookup(id: string): Promise<TokenEntry | undefined> {
    const entry = await this.storage.get<TokenEntry>(tokenKey(id));
    if (entry === undefined) return undefined;
    if (entry.expire_time !== null && Date.parse(entry.expire_time) <= Date.now()) {
      await this.storage.delete(tokenKey(id));
      return undefined;
    }
    return entry;
  }

  async revoke(id: string): Promise<void> {
    await this.storage.delete(tokenKey(id));
  }

  /**
   * The root token on first start (returned so it can be printed once), or
   * the fixed dev id when given. Later starts return undefined: the root token
   * exists only in the operator's hands.
   */
  async ensureRootToken(fixedId?: string, announce?: AnnounceRootToken): Promise<string | undefined> {
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
    const created = await this.create({ policies: [ROOT_POLICY], ttlSeconds: 0, displayName: 'root', id });
    await this.storage.put(layout.rootTokenIssued, true);
    return created.id;
  }
}

/** Remaining seconds, as lookup-self reports `ttl`. */
export function remainingTtl(entry: TokenEntry): number {
  if (entry.expire_time === null) return 0;
  return Math.max(0, Math.floor((Date.parse(entry.expire_time) - Date.now()) / 1000));
}
