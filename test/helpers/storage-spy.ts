/**
 * Watches one method of a real Storage while `work` runs: every call's
 * arguments go to `seen`, the call itself goes through unchanged.
 */
import type { Storage } from '../../src/storage/storage.js';

export async function watchStorage<M extends 'get' | 'batch'>(
  storage: Storage,
  method: M,
  seen: (...args: Parameters<Storage[M]>) => void,
  work: () => Promise<unknown>,
): Promise<void> {
  const original = storage[method];
  const watched = (...args: Parameters<Storage[M]>) => {
    seen(...args);
    return (original as (...a: Parameters<Storage[M]>) => unknown).apply(storage, args);
  };
  storage[method] = watched as Storage[M];
  try {
    await work();
  } finally {
    storage[method] = original;
  }
}
