/**
 * The Storage contract (storage.ts) over one LevelDB directory, with every
 * value passed through the encryption barrier. Keys stay in clear so ranges
 * and lists work; storage.ts forbids secrets in keys.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Level } from 'level';
import { Barrier } from './barrier.js';
import { sameStoredBytes } from './raw-entries.js';
import { jsonText, openJson, sealJson } from './sealed-json.js';
import { prefixRange, type BatchOp, type JsonPage, type KeyRange, type RawEntry, type RawSwap, type Storage } from './storage.js';
import { unsealStorage, type OpenedStorage } from './unseal.js';
import { WriteGate } from './write-gate.js';

const RANGE_BATCH = 1_000;

/** LevelDB writes CURRENT when it creates a database; an empty or absent directory holds none. */
export function databaseExists(path: string): boolean {
  return existsSync(join(path, 'CURRENT'));
}

/** The database is open in another process (LevelDB's LOCK file): a running server. */
export class DatabaseInUseError extends Error {
  override name = 'DatabaseInUseError';
}

/**
 * Opens the database, creating it unless `create` is false. A new database
 * gets the seal check value and the keyring first (unseal.ts), so any
 * database holding data also holds the proof of which key it was written with.
 */
export async function openStorage(options: { path: string; sealKey: Buffer; create?: boolean }): Promise<OpenedStorage> {
  const db = new Level<string, Uint8Array>(options.path, {
    keyEncoding: 'utf8',
    valueEncoding: 'view',
    createIfMissing: options.create ?? true,
  });
  try {
    await db.open();
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    if (cause?.code === 'LEVEL_LOCKED') {
      throw new DatabaseInUseError(`the database at ${options.path} is open in another process (a running server?)`);
    }
    throw err;
  }
  const barrier = new Barrier(options.sealKey);
  const storage = new LevelStorage(db, barrier);
  try {
    return { storage, sealed: !(await unsealStorage(storage, barrier)), barrier };
  } catch (err) {
    await db.close();
    throw err;
  }
}

/**
 * A new database left empty, for a restore (snapshot.ts): nothing is written
 * and nothing unsealed, since the snapshot brings its own keyring and seal
 * check. LevelDB refuses a directory that already holds a database.
 */
export async function createEmptyStorage(options: { path: string; sealKey: Buffer }): Promise<Storage> {
  const db = new Level<string, Uint8Array>(options.path, { keyEncoding: 'utf8', valueEncoding: 'view', createIfMissing: true, errorIfExists: true });
  await db.open();
  return new LevelStorage(db, new Barrier(options.sealKey));
}

class LevelStorage implements Storage {
  /** LevelDB has no compare-and-swap: swapRaw takes the gate alone (write-gate.ts). */
  private readonly gate = new WriteGate();

  constructor(
    private readonly db: Level<string, Uint8Array>,
    private readonly barrier: Barrier,
  ) {}

  async get<T>(key: string): Promise<T | undefined> {
    const sealed = await this.db.get(key);
    return sealed === undefined ? undefined : openJson<T>(this.barrier, key, Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength));
  }

  async put(key: string, value: unknown): Promise<void> {
    // Sealed inside the gate: a value sealed before a key rotation's swap must have landed before it.
    await this.gate.shared(() => this.db.put(key, sealJson(this.barrier, key, value)));
  }

  async getClear<T>(key: string): Promise<T | undefined> {
    const stored = await this.db.get(key);
    return stored === undefined ? undefined : clearValue<T>(stored);
  }

  async delete(key: string): Promise<void> {
    await this.gate.shared(() => this.db.del(key));
  }

  async batch(ops: BatchOp[]): Promise<void> {
    await this.gate.shared(() => {
      // Seal everything first, so a value that cannot be serialised fails the
      // whole batch before LevelDB sees any of it.
      const sealedOps = ops.map((op) => {
        if (op.type === 'del') return op;
        const value = op.type === 'put' ? sealJson(this.barrier, op.key, op.value) : Buffer.from(jsonText(op.key, op.value), 'utf8');
        return { type: 'put' as const, key: op.key, value };
      });
      return this.db.batch(sealedOps);
    });
  }

  async list(prefix: string): Promise<string[]> {
    const names = new Set<string>();
    const { gte, lt } = prefixRange(prefix);
    for await (const key of this.db.keys({ gte, lt })) {
      const rest = key.slice(prefix.length);
      const slash = rest.indexOf('/');
      names.add(slash === -1 ? rest : rest.slice(0, slash + 1));
    }
    return [...names].filter((name) => name !== '').sort();
  }

  async *range<T>(range: KeyRange): AsyncIterable<[string, T]> {
    for await (const page of this.rangeJsonPages(range)) for (const [key, json] of page) yield [key, JSON.parse(json) as T];
  }

  async *rangeJsonPages(range: KeyRange): AsyncIterable<JsonPage> {
    for await (const batch of this.batches(range)) yield batch.map(([key, value]) => [key, utf8(value)] as const);
  }

  async *rawEntries(range: KeyRange): AsyncIterable<RawEntry> {
    for await (const batch of this.batches(range)) yield* batch;
  }

  /**
   * The range in batches: one await per thousand entries, not per entry. One
   * iterator, so one implicit snapshot: nothing written meanwhile is seen.
   */
  private async *batches(range: KeyRange): AsyncIterable<Array<[string, Uint8Array]>> {
    const lower = range.after !== undefined && range.after >= range.gte ? { gt: range.after } : { gte: range.gte };
    const iterator = this.db.iterator({ ...lower, lt: range.lt, limit: range.limit ?? -1 });
    try {
      for (let batch = await iterator.nextv(RANGE_BATCH); batch.length > 0; batch = await iterator.nextv(RANGE_BATCH)) yield batch;
    } finally {
      await iterator.close();
    }
  }

  swapRaw(swaps: RawSwap[]): Promise<string[]> {
    return this.gate.exclusive(async () => {
      if (swaps.length === 0) return [];
      const current = await this.db.getMany(swaps.map((swap) => swap.key));
      const applying = swaps.filter((swap, i) => sameStoredBytes(current[i], swap.expected));
      if (applying.length > 0) await this.db.batch(applying.map((swap) => ({ type: 'put' as const, key: swap.key, value: swap.next })));
      return applying.map((swap) => swap.key);
    });
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

function utf8(stored: Uint8Array): string {
  return Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength).toString('utf8');
}

function clearValue<T>(stored: Uint8Array): T {
  return JSON.parse(utf8(stored)) as T;
}
