/**
 * A Storage that hands every call to another one unchanged: the base of the
 * layers in front of a backend (the read cache, the cluster's change feed),
 * each overriding only the calls it has something to add to.
 */
import type { BatchOp, JsonPage, KeyRange, RawEntry, RawSwap, Storage } from './storage.js';

export class ForwardingStorage implements Storage {
  constructor(protected readonly inner: Storage) {}

  get<T>(key: string): Promise<T | undefined> {
    return this.inner.get<T>(key);
  }

  put(key: string, value: unknown): Promise<void> {
    return this.inner.put(key, value);
  }

  getClear<T>(key: string): Promise<T | undefined> {
    return this.inner.getClear<T>(key);
  }

  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }

  batch(ops: BatchOp[]): Promise<void> {
    return this.inner.batch(ops);
  }

  list(prefix: string): Promise<string[]> {
    return this.inner.list(prefix);
  }

  range<T>(range: KeyRange): AsyncIterable<[key: string, value: T]> {
    return this.inner.range<T>(range);
  }

  rangeJsonPages(range: KeyRange): AsyncIterable<JsonPage> {
    return this.inner.rangeJsonPages(range);
  }

  rawEntries(range: KeyRange): AsyncIterable<RawEntry> {
    return this.inner.rawEntries(range);
  }

  swapRaw(swaps: RawSwap[]): Promise<string[]> {
    return this.inner.swapRaw(swaps);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
