/**
 * Times every call into a Storage. The server puts it below the read cache,
 * so it measures the database and the barrier, and a cached read (the hot
 * path) pays nothing for it. A range is timed inside the iteration only: the
 * time its caller spends between entries is the caller's, not storage's.
 */
import type { BatchOp, JsonPage, KeyRange, RawEntry, RawSwap, Storage } from '../storage/storage.js';
import type { StorageOperation } from './server-metrics.js';

type Observe = (op: StorageOperation, seconds: number) => void;

async function timed<T>(observe: Observe, op: StorageOperation, call: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await call();
  } finally {
    observe(op, (performance.now() - started) / 1000);
  }
}

async function* timedRange<T>(observe: Observe, entries: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = entries[Symbol.asyncIterator]();
  let spent = 0;
  try {
    for (;;) {
      const started = performance.now();
      const next = await iterator.next();
      spent += performance.now() - started;
      if (next.done) return;
      yield next.value;
    }
  } finally {
    // A caller that stops early closes the database iterator too.
    await iterator.return?.();
    observe('range', spent / 1000);
  }
}

export class InstrumentedStorage implements Storage {
  constructor(
    private readonly inner: Storage,
    private readonly observe: Observe,
  ) {}

  get<T>(key: string): Promise<T | undefined> {
    return timed(this.observe, 'get', () => this.inner.get<T>(key));
  }

  put(key: string, value: unknown): Promise<void> {
    return timed(this.observe, 'put', () => this.inner.put(key, value));
  }

  getClear<T>(key: string): Promise<T | undefined> {
    return timed(this.observe, 'get_clear', () => this.inner.getClear<T>(key));
  }

  delete(key: string): Promise<void> {
    return timed(this.observe, 'delete', () => this.inner.delete(key));
  }

  batch(ops: BatchOp[]): Promise<void> {
    return timed(this.observe, 'batch', () => this.inner.batch(ops));
  }

  list(prefix: string): Promise<string[]> {
    return timed(this.observe, 'list', () => this.inner.list(prefix));
  }

  range<T>(range: KeyRange): AsyncIterable<[key: string, value: T]> {
    return timedRange(this.observe, this.inner.range<T>(range));
  }

  rangeJsonPages(range: KeyRange): AsyncIterable<JsonPage> {
    return timedRange(this.observe, this.inner.rangeJsonPages(range));
  }

  rawEntries(range: KeyRange): AsyncIterable<RawEntry> {
    return timedRange(this.observe, this.inner.rawEntries(range));
  }

  swapRaw(swaps: RawSwap[]): Promise<string[]> {
    return timed(this.observe, 'swap_raw', () => this.inner.swapRaw(swaps));
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
