/**
 * The one lock abstraction of the lifecycle. Two kinds, because two problems:
 *
 * - `exclusive`: read-modify-write sequences on one key take turns. Storage
 *   has no compare-and-swap, so two writers of one record (a read collecting
 *   it and the background collector, say) must not both append `Issued`.
 * - `flight`: one in-flight operation per key; callers that arrive while it
 *   runs share its result. This turns twenty concurrent reads of an expiring
 *   certificate into one renewal at SCM. The work must still re-check storage
 *   once it runs, because a caller may arrive just after a flight finished.
 *
 * `LocalLocks` covers one process. A backend shared by several replicas
 * supplies its own Locks in the same shape (cluster/pg-locks.ts: PostgreSQL
 * advisory locks).
 */
export interface Locks {
  exclusive<T>(key: string, work: () => Promise<T>): Promise<T>;
  flight<T>(key: string, work: () => Promise<T>): Promise<T>;
  /** Is a flight for this key running now (here, or for a shared backend on any replica)? */
  isFlying(key: string): Promise<boolean>;
}

export class LocalLocks implements Locks {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly flights = new Map<string, Promise<unknown>>();

  async exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  flight<T>(key: string, work: () => Promise<T>): Promise<T> {
    const running = this.flights.get(key);
    if (running) return running as Promise<T>;
    const flight = work().finally(() => this.flights.delete(key));
    this.flights.set(key, flight);
    return flight;
  }

  async isFlying(key: string): Promise<boolean> {
    return this.flights.has(key);
  }
}
