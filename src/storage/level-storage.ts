/**
 * The Storage contract (storage.ts) over one LevelDB directory, with every
 * value passed through the encryption barrier. Keys stay in clear so ranges
 * and lists work; storage.ts forbids secrets in keys.
 */
import { Level } from 'level';
import { Barrier, BarrierOpenError } from './barrier.js';
import { layout } from './layout.js';
import type { BatchOp, Storage } from './storage.js';

/** Written at first start; if it will not open, the seal key is wrong. */
const SEAL_CHECK_VALUE = 'scmpki seal check v1';

export interface OpenedStorage {
  storage: Storage;
  /** True when the seal key cannot open this database: serve nothing but health. */
  sealed: boolean;
}

export async function openStorage(options: { path: string; sealKey: Buffer }): Promise<OpenedStorage> {
  const db = new Level<string, Uint8Array>(options.path, { keyEncoding: 'utf8', valueEncoding: 'view' });
  await db.open();
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

  async delete(key: string): Promise<void> {
    await this.db.del(key);
  }

  async batch(ops: BatchOp[]): Promise<void> {
    // Seal everything first, so a value that cannot be serialised fails the
    // whole batch before LevelDB sees any of it.
    const sealedOps = ops.map((op) =>
      op.type === 'put'
        ? { type: 'put' as const, key: op.key, value: this.sealValue(op.key, op.value) }
        : { type: 'del' as const, key: op.key },
    );
    await this.db.batch(sealedOps);
  }

  async list(prefix: string): Promise<string[]> {
    const names = new Set<string>();
    // '\uffff' sorts after every character a key may hold, so this is "all keys starting with prefix".
    for await (const key of this.db.keys({ gte: prefix, lt: prefix + '\uffff' })) {
      const rest = key.slice(prefix.length);
      const slash = rest.indexOf('/');
      names.add(slash === -1 ? rest : rest.slice(0, slash + 1));
    }
    return [...names].filter((name) => name !== '').sort();
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  private sealValue(key: string, value: unknown): Uint8Array {
    const json = JSON.stringify(value);
    if (json === undefined) throw new Error(`value for ${key} is not JSON-serialisable`);
    return this.barrier.seal(key, Buffer.from(json, 'utf8'));
  }
}
