/**
 * A bounded cache of sealed values read recently, in front of any Storage:
 * the hot path (an application reading its certificate on every start or on
 * a timer) then costs no database read, no decryption and no parsing. Cached
 * values are deep-frozen and handed out as they are: a caller that tried to
 * change what it read would throw instead of changing what the next caller
 * reads (the lifecycle builds new objects; it never edits stored ones).
 *
 * Every write through this object drops the keys it touches; a read that
 * raced with any write is not cached, so a stale value never gets in. It
 * covers one process: a storage shared by several servers must not be
 * wrapped by it unless writes elsewhere are seen too.
 */
import { LRUCache } from 'lru-cache';
import type { BatchOp, KeyRange, Storage } from './storage.js';

export const DEFAULT_READ_CACHE_BYTES = 64 * 1024 * 1024;

export class ReadCachedStorage implements Storage {
  private readonly cache: LRUCache<string, { value: unknown }>;
  /** Bumped by every write: a read that started before a write must not cache what it read. */
  private writes = 0;

  constructor(
    private readonly inner: Storage,
    maxBytes = DEFAULT_READ_CACHE_BYTES,
  ) {
    // Sized by the value's JSON length, a fair proxy for what it holds in memory.
    this.cache = new LRUCache<string, { value: unknown }>({ maxSize: maxBytes, sizeCalculation: (entry, key) => JSON.stringify(entry.value).length + key.length });
  }

  async get<T>(key: string): Promise<T | undefined> {
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit.value as T;
    const startedAt = this.writes;
    const value = await this.inner.get<T>(key);
    if (value === undefined || this.writes !== startedAt) return value;
    const frozen = deepFreeze(value);
    this.cache.set(key, { value: frozen });
    return frozen;
  }

  async put(key: string, value: unknown): Promise<void> {
    await this.written([key], () => this.inner.put(key, value));
  }

  getClear<T>(key: string): Promise<T | undefined> {
    return this.inner.getClear<T>(key);
  }

  async delete(key: string): Promise<void> {
    await this.written([key], () => this.inner.delete(key));
  }

  async batch(ops: BatchOp[]): Promise<void> {
    await this.written(
      ops.map((op) => op.key),
      () => this.inner.batch(ops),
    );
  }

  list(prefix: string): Promise<string[]> {
    return this.inner.list(prefix);
  }

  range<T>(range: KeyRange): AsyncIterable<[string, T]> {
    return this.inner.range<T>(range);
  }

  rangeJson(range: KeyRange): AsyncIterable<[string, string]> {
    return this.inner.rangeJson(range);
  }

  close(): Promise<void> {
    this.cache.clear();
    return this.inner.close();
  }

  private async written(keys: string[], write: () => Promise<void>): Promise<void> {
    this.writes++;
    for (const key of keys) this.cache.delete(key);
    try {
      await write();
    } finally {
      // A read that began during the write saw `writes` already bumped, but
      // one that began before it may still be in flight: bump again.
      this.writes++;
      for (const key of keys) this.cache.delete(key);
    }
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
