/**
 * The Storage contract (storage.ts) over one LevelDB directory, with every
 * value passed through the encryption barrier. Keys stay in clear so ranges
 * and lists work; storage.ts forbids secrets in keys.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Level } from 'level';
import { Barrier, BarrierOpenError } from './barrier.js';
import { layout } from './layout.js';
import { prefixRange, type BatchOp, type KeyRange, type Storage } from './storage.js';

const RANGE_BATCH = 1_000;

/** Written at first start; if it will not open, the seal key is wrong. */
const SEAL_CHECK_VALUE = 'scmpki seal check v1';

export interface OpenedStorage {
  storage: Storage;
  /** True when the seal key cannot open this database: serve nothing but health. */
  sealed: boolean;
}

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
 * gets the seal check value first, so any database holding data also holds
 * the proof of which key it was written with.
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
  const storage = new LevelStorage(db, new Barrier(options.sealKey));
  try {
    const check = await storage.get<string>(layout.sealCheck);
    if (check === undefined) {
      await storage.put(layout.sealCheck, SEAL_CHECK_VALUE);
    } else if (check !== SEAL_CHECK_VALUE) {
      return { storage, sealed: true };
    }
    return { storage, sealed: false };
  } catch (err) {
    if (err instanceof BarrierOpenError) return { storage, sealed: true };
    await db.close();
    throw err;
  }
}

class LevelStorage implements Storage {
  constructor(
    private readonly db: Level<string, Uint8Array>,
    private readonly barrier: Barrier,
  ) {}

  async get<T>(key: string): Promise<T | undefined> {
    const sealed = await this.db.get(key);
    if (sealed === undefined) return undefined;
    const plain = this.barrier.open(key, Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength));
    return JSON.parse(plain.toString('utf8')) as T;
  }

  async put(key: string, value: unknown): Promise<void> {
    await this.db.put(key, this.sealValue(key, value));
  }

  async getClear<T>(key: string): Promise<T | undefined> {
    const stored = await this.db.get(key);
    return stored === undefined ? undefined : clearValue<T>(stored);
  }

  async delete(key: string): Promise<void> {
    await this.db.del(key);
  }

  async batch(ops: BatchOp[]): Promise<void> {
    // Seal everything first, so a value that cannot be serialised fails the
    // whole batch before LevelDB sees any of it.
    const sealedOps = ops.map((op) => {
      if (op.type === 'del') return op;
      const value = op.type === 'put' ? this.sealValue(op.key, op.value) : jsonBytes(op.key, op.value);
      return { type: 'put' as const, key: op.key, value };
    });
    await this.db.batch(sealedOps);
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
    for await (const [key, json] of this.rangeJson(range)) yield [key, JSON.parse(json) as T];
  }

  async *rangeJson(range: KeyRange): AsyncIterable<[string, string]> {
    const lower = range.after !== undefined && range.after >= range.gte ? { gt: range.after } : { gte: range.gte };
    // Entries in batches: one await per thousand, not per entry (a 100,000-entry listing).
    const iterator = this.db.iterator({ ...lower, lt: range.lt, limit: range.limit ?? -1 });
    try {
      for (let batch = await iterator.nextv(RANGE_BATCH); batch.length > 0; batch = await iterator.nextv(RANGE_BATCH)) {
        for (const [key, value] of batch) yield [key, utf8(value)];
      }
    } finally {
      await iterator.close();
    }
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  private sealValue(key: string, value: unknown): Uint8Array {
    return this.barrier.seal(key, jsonBytes(key, value));
  }
}

function jsonBytes(key: string, value: unknown): Buffer {
  const json = JSON.stringify(value);
  if (json === undefined) throw new Error(`value for ${key} is not JSON-serialisable`);
  return Buffer.from(json, 'utf8');
}

function utf8(stored: Uint8Array): string {
  return Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength).toString('utf8');
}

function clearValue<T>(stored: Uint8Array): T {
  return JSON.parse(utf8(stored)) as T;
}
