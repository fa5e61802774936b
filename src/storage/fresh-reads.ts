/**
 * Reads that must not come from a cache. A replica that holds a lock shared
 * with other replicas (cluster/pg-locks.ts) is about to read, decide and
 * write: what it reads must be what the last holder wrote, which a cache
 * cannot promise (the other replica's invalidation may still be on its way).
 * Work run through `readingFresh` reads past every cache, however deep in
 * the call tree the read happens.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const fresh = new AsyncLocalStorage<true>();

export function readingFresh<T>(work: () => Promise<T>): Promise<T> {
  return fresh.run(true, work);
}

/** True inside `readingFresh`. */
export function mustReadFresh(): boolean {
  return fresh.getStore() === true;
}
