/**
 * A bounded cache of sealed values read recently, in front of any Storage:
 * the hot path (an application reading its certificate on every start or on
 * a timer) then costs no database read, no decryption and no parsing. Cached
 * values are deep-frozen and handed out as they are: a caller that tried to
 * change what it read would throw instead of changing what the next caller
 * reads (the lifecycle builds new objects; it never edits stored ones).
 *
 * Every write through this object drops the keys it touches; a read that
 * raced with a write of its key is not cached, so a stale value never gets
 * in (and reads of other keys still are, however busy the store). That
 * covers one process. A storage shared by several servers feeds other
 * replicas' writes in through `invalidate` and `clear` (cluster/
 * change-feed.ts), bounds the age of an entry (`maxAgeMs`) in case a notice
 * is lost, and reads past the cache under a cross-replica lock
 * (fresh-reads.ts).
 */
import { LRUCache } from 'lru-cache';
import { mustReadFresh } from './fresh-reads.js';
import { ForwardingStorage } from './forwarding-storage.js';
import type { BatchOp, RawSwap, Storage } from './storage.js';

export const DEFAULT_READ_CACHE_BYTES = 64 * 1024 * 1024;

/** One read of the inner storage; a write of its key while it is in flight makes it stale. */
interface Read {
  stale: boolean;
}

export class ReadCachedStorage extends ForwardingStorage {
  private readonly cache: LRUCache<string, { value: unknown }>;
  /** Reads of the inner storage in flight, by key. */
  private readonly reads = new Map<string, Set<Read>>();
  /** The read concurrent misses of a key share, while it is not stale. */
  private readonly loading = new Map<string, { read: Read; value: Promise<unknown> }>();

  constructor(inner: Storage, options: { maxBytes?: number; maxAgeMs?: number } = {}) {
    super(inner);
    // Sized by the value's JSON length, a fair proxy for what it holds in memory.
    this.cache = new LRUCache<string, { value: unknown }>({
      maxSize: options.maxBytes ?? DEFAULT_READ_CACHE_BYTES,
      sizeCalculation: (entry, key) => JSON.stringify(entry.value).length + key.length,
      ...(options.maxAgeMs !== undefined && { ttl: options.maxAgeMs }),
    });
  }

  override async get<T>(key: string): Promise<T | undefined> {
    if (mustReadFresh()) return this.load<T>(key);
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit.value as T;
    // Concurrent misses of one key (a hot certificate whose entry just aged
    // out) share one read, unless the key was written since that read began.
    const loading = this.loading.get(key);
    if (loading && !loading.read.stale) return loading.value as Promise<T | undefined>;
    const read = { stale: false };
    const value = this.load<T>(key, read);
    const entry = { read, value };
    this.loading.set(key, entry);
    try {
      return await value;
    } finally {
      if (this.loading.get(key) === entry) this.loading.delete(key);
    }
  }

  private async load<T>(key: string, read: Read = { stale: false }): Promise<T | undefined> {
    let reads = this.reads.get(key);
    if (!reads) this.reads.set(key, (reads = new Set()));
    reads.add(read);
    let value: T | undefined;
    try {
      value = await this.inner.get<T>(key);
    } finally {
      reads.delete(read);
      if (reads.size === 0 && this.reads.get(key) === reads) this.reads.delete(key);
    }
    if (value === undefined || read.stale) return value;
    const frozen = deepFreeze(value);
    this.cache.set(key, { value: frozen });
    return frozen;
  }

  override async put(key: string, value: unknown): Promise<void> {
    await this.written([key], () => this.inner.put(key, value));
  }

  override async delete(key: string): Promise<void> {
    await this.written([key], () => this.inner.delete(key));
  }

  override async batch(ops: BatchOp[]): Promise<void> {
    await this.written(
      ops.map((op) => op.key),
      () => this.inner.batch(ops),
    );
  }

  override async swapRaw(swaps: RawSwap[]): Promise<string[]> {
    // A re-encryption's swap leaves the value as it was, but a swap may also write a new one.
    let applied: string[] = [];
    await this.written(
      swaps.map((swap) => swap.key),
      async () => {
        applied = await this.inner.swapRaw(swaps);
      },
    );
    return applied;
  }

  override close(): Promise<void> {
    this.cache.clear();
    return this.inner.close();
  }

  /** Another replica wrote these keys. */
  invalidate(keys: readonly string[]): void {
    this.forget(keys);
  }

  /** Writes may have been missed (the notice channel was down): forget everything. */
  clear(): void {
    for (const reads of this.reads.values()) for (const read of reads) read.stale = true;
    this.cache.clear();
  }

  private async written(keys: string[], write: () => Promise<void>): Promise<void> {
    this.forget(keys);
    try {
      await write();
    } finally {
      // A read that began during the write may have seen the old value.
      this.forget(keys);
    }
  }

  /** Drops `keys` and makes the reads of them in flight stale. */
  private forget(keys: readonly string[]): void {
    for (const key of keys) {
      this.cache.delete(key);
      for (const read of this.reads.get(key) ?? []) read.stale = true;
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
