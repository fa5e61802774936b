/**
 * Tells every replica which sealed keys another replica wrote, so the
 * caches in front of the shared storage (the read cache, compiled ACLs) drop
 * them. Each write through `publishing(storage)` is followed by one `NOTIFY`
 * on the cluster channel naming its keys; every other replica's coordination
 * session receives it and calls the `onChange` listeners.
 *
 * How stale a cache can be (docs/ha.md):
 * - normally, one notice's trip through PostgreSQL (milliseconds);
 * - a notice lost because the writer died between its write and its notice,
 *   or its session was down: until the entry's age limit (the read cache's
 *   `maxAgeMs`);
 * - this replica's session lost: every cache is cleared when the loss is
 *   seen and again once it listens again, since notices sent meanwhile never
 *   arrive.
 * Reads under a cross-replica lock never use a cache (pg-locks.ts), so a
 * read-modify-write never works from a stale value.
 *
 * Clear index entries are not cached anywhere, so `putClear` keys are not
 * sent; a notice too long for PostgreSQL's 8000-byte payload says "all".
 */
import { randomUUID } from 'node:crypto';
import { ForwardingStorage } from '../storage/forwarding-storage.js';
import type { BatchOp, RawSwap, Storage } from '../storage/storage.js';
import type { ClusterLogger, CoordinationConnection } from './coordination-connection.js';

const WRITE_NOTICE = 'write:';
/** PostgreSQL refuses payloads of 8000 bytes or more. */
const MAX_PAYLOAD_BYTES = 7_900;

/** The keys another replica wrote, or `all` when they are not known. */
export type Change = { keys: string[] } | 'all';

interface WriteNotice {
  from: string;
  keys?: string[];
}

export class ChangeFeed {
  private readonly listeners: Array<(change: Change) => void> = [];
  /** Our own notices come back to us too; our caches already dropped those keys. */
  private readonly self = randomUUID();

  constructor(
    private readonly connection: CoordinationConnection,
    private readonly logger: ClusterLogger,
  ) {
    connection.onNotice((payload) => {
      if (!payload.startsWith(WRITE_NOTICE)) return;
      const notice = JSON.parse(payload.slice(WRITE_NOTICE.length)) as WriteNotice;
      if (notice.from !== this.self) this.emit(notice.keys ? { keys: notice.keys } : 'all');
    });
    connection.onLost(() => this.emit('all'));
    connection.onRestored(() => this.emit('all'));
  }

  onChange(listener: (change: Change) => void): void {
    this.listeners.push(listener);
  }

  /** The storage, with every write announced to the other replicas. */
  publishing(storage: Storage): Storage {
    return new PublishingStorage(storage, (keys) => this.publish(keys));
  }

  private async publish(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    let payload = WRITE_NOTICE + JSON.stringify({ from: this.self, keys } satisfies WriteNotice);
    if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) payload = WRITE_NOTICE + JSON.stringify({ from: this.self } satisfies WriteNotice);
    try {
      await this.connection.notify(payload);
    } catch (err) {
      // The write stands; other replicas see it when their cached copy ages out.
      this.logger.warn({ err: (err as Error).message, keys: keys.length }, 'could not announce a write to the other replicas');
    }
  }

  private emit(change: Change): void {
    for (const listener of this.listeners) listener(change);
  }
}

class PublishingStorage extends ForwardingStorage {
  constructor(
    inner: Storage,
    private readonly publish: (keys: string[]) => Promise<void>,
  ) {
    super(inner);
  }

  override async put(key: string, value: unknown): Promise<void> {
    await this.inner.put(key, value);
    await this.publish([key]);
  }

  override async delete(key: string): Promise<void> {
    await this.inner.delete(key);
    await this.publish([key]);
  }

  override async batch(ops: BatchOp[]): Promise<void> {
    await this.inner.batch(ops);
    await this.publish(ops.filter((op) => op.type !== 'putClear').map((op) => op.key));
  }

  override async swapRaw(swaps: RawSwap[]): Promise<string[]> {
    const applied = await this.inner.swapRaw(swaps);
    if (applied.length > 0) await this.publish(applied);
    return applied;
  }
}
