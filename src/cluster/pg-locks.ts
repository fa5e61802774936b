/**
 * The lifecycle's Locks (lifecycle/locks.ts) across every replica of one
 * PostgreSQL database, as session advisory locks on the coordination
 * connection:
 *
 * - callers in this process first meet in LocalLocks (one waiter per key and
 *   process; concurrent reads here share one flight), then that one caller
 *   takes the PostgreSQL lock, so it is held once per replica at most;
 * - `flight` on another replica therefore waits for the lock and then runs
 *   its work, which re-checks storage (the work always does): twenty reads
 *   of an expiring certificate spread over three replicas renew it once;
 * - work under a lock reads past every cache (storage/fresh-reads.ts): the
 *   previous holder may have written a moment ago on another replica.
 *
 * Waiting is `pg_try_advisory_lock` retried when the holder's release notice
 * arrives, or every `pollMs` (a killed holder sends none: PostgreSQL frees
 * its locks when its connection closes, and the next try gets it).
 */
import { createHash } from 'node:crypto';
import { LocalLocks, type Locks } from '../lifecycle/locks.js';
import { readingFresh } from '../storage/fresh-reads.js';
import { CLUSTER_CHANNEL, type CoordinationConnection } from './coordination-connection.js';

const RELEASE_NOTICE = 'unlock:';
const DEFAULT_POLL_MS = 250;

/** Two positive int4 keys from the lock's name (the two-key form shows as classid/objid in pg_locks). */
export function advisoryKeys(name: string): [number, number] {
  const digest = createHash('sha256').update(name).digest();
  return [digest.readUInt32BE(0) & 0x7fffffff, digest.readUInt32BE(4) & 0x7fffffff];
}

export class PgLocks implements Locks {
  private readonly local = new LocalLocks();
  private readonly waiting = new Map<string, Set<() => void>>();

  constructor(
    private readonly connection: CoordinationConnection,
    private readonly pollMs = DEFAULT_POLL_MS,
  ) {
    connection.onNotice((payload) => {
      if (payload.startsWith(RELEASE_NOTICE)) this.wake(payload.slice(RELEASE_NOTICE.length));
    });
    connection.onRestored(() => {
      for (const id of [...this.waiting.keys()]) this.wake(id);
    });
  }

  exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    return this.local.exclusive(key, () => this.holding(`exclusive:${key}`, work));
  }

  flight<T>(key: string, work: () => Promise<T>): Promise<T> {
    return this.local.flight(key, () => this.holding(`flight:${key}`, work));
  }

  /** Here, or on any replica (PostgreSQL's lock table). */
  async isFlying(key: string): Promise<boolean> {
    if (await this.local.isFlying(key)) return true;
    const [classid, objid] = advisoryKeys(`flight:${key}`);
    const rows = await this.connection.query<{ held: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
         AND classid = $1 AND objid = $2 AND objsubid = 2) AS held`,
      [classid, objid],
    );
    return rows[0]?.held === true;
  }

  private async holding<T>(name: string, work: () => Promise<T>): Promise<T> {
    const keys = advisoryKeys(name);
    const session = await this.acquire(keys);
    try {
      return await readingFresh(work);
    } finally {
      // A lost session released the lock already; the new one does not hold it.
      if (this.connection.session === session) {
        await this.connection
          .query('SELECT pg_advisory_unlock($1, $2), pg_notify($3, $4)', [...keys, CLUSTER_CHANNEL, RELEASE_NOTICE + keys.join('.')])
          .catch(() => undefined);
      }
    }
  }

  private async acquire(keys: [number, number]): Promise<number> {
    const id = keys.join('.');
    for (;;) {
      const session = this.connection.session;
      const [row] = await this.connection.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', keys);
      if (row?.locked) return session;
      await this.released(id);
    }
  }

  /** Resolves on the holder's release notice, or after `pollMs`. */
  private released(id: string): Promise<void> {
    return new Promise<void>((resolve) => {
      const waiters = this.waiting.get(id) ?? new Set();
      this.waiting.set(id, waiters);
      const done = () => {
        clearTimeout(timer);
        waiters.delete(done);
        if (waiters.size === 0 && this.waiting.get(id) === waiters) this.waiting.delete(id);
        resolve();
      };
      const timer = setTimeout(done, this.pollMs);
      waiters.add(done);
    });
  }

  private wake(id: string): void {
    for (const done of [...(this.waiting.get(id) ?? [])]) done();
  }
}
