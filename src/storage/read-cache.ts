/**
 * A bounded cache of sealed values read recently, in front of any Storage:
 * the hot path (an application reading its certificate on every start or on
 * a timer) then costs no database read and no decryption. Values are held as
 * their JSON text and parsed on every hit, so no caller can change what
 * another one reads.
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
  private readonly cache: LRUCache<string, string>;
  /** Bumped by every write: a read that started before a write must not cache what it read. */
  private writes = 0;

  constructor(
    private readonly inner: Storage,
    maxBytes = DEFAULT_READ_CACHE_BYTES,
  ) {
    this.cache = new LRUCache<string, string>({ maxSize: maxBytes, sizeCalculation: (text, key) => text.length + key.length });
  }

  async get<T>(key: string): Promise<T | undefined> {
    const hit = this.cache.get(key);
    if (hit !== undefined) return JSON.parse(hit) as T;
    const startedAt = this.writes;
    const value = await this.inner.get<T>(key);
    if (value !== undefined && this.writes === startedAt) this.cache.set(key, JSON.stringify(value));
    return value;
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
