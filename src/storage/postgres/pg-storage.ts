/**
 * The Storage contract (storage.ts) over PostgreSQL, through a `pg` pool.
 * Values are sealed by the same AES-256-GCM barrier as in LevelDB before
 * they leave the process: PostgreSQL holds ciphertext (`sealed`) and the
 * clear index entries (`clear`), never a key, password or token in clear.
 *
 * Keys are `text COLLATE "C"`, compared byte by byte as LevelDB compares
 * them, so ranges, listings and paging come out in the same order. A batch
 * is one SQL statement, so it lands together or not at all. A range is read
 * a page at a time by key (no cursor holds a connection while the caller
 * works through it).
 *
 * When PostgreSQL cannot be reached, every call fails with the domain's
 * StorageUnavailableError (503 at the edge); the pool makes new connections
 * once PostgreSQL is back, so the server recovers without a restart.
 */
import pg from 'pg';
import { Barrier } from '../barrier.js';
import { layout } from '../layout.js';
import { kindOfStoredBytes, sameStoredBytes } from '../raw-entries.js';
import { jsonText, openJson, sealJson } from '../sealed-json.js';
import { prefixRange, type BatchOp, type JsonPage, type KeyRange, type RawEntry, type RawSwap, type Storage } from '../storage.js';
import { unsealStorage, type OpenedStorage } from '../unseal.js';
import { KV_TABLE, migrate, schemaHoldsData } from './schema.js';
import { asStorageError, connectionTarget } from './unavailable.js';

const RANGE_PAGE = 1_000;
/** How long a request waits for a connection before PostgreSQL counts as unavailable. */
const CONNECT_TIMEOUT_MS = 5_000;

export interface PgStorageOptions {
  connectionUrl: string;
  maxConnections: number;
  /** An idle pooled connection failed (PostgreSQL restarted): reported, never thrown. */
  onConnectionError?: (err: Error) => void;
}

export function createPool(options: PgStorageOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionUrl,
    max: options.maxConnections,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'scmpki',
    keepAlive: true,
  });
  // Without a listener an idle client's error would crash the process.
  pool.on('error', (err) => options.onConnectionError?.(err));
  return pool;
}

/** The database already holds an scmpki store (schema and seal check). */
export async function postgresDatabaseExists(options: PgStorageOptions): Promise<boolean> {
  const pool = createPool(options);
  try {
    return await schemaHoldsData(pool, layout.sealCheck);
  } catch (err) {
    throw asStorageError(err, connectionTarget(options.connectionUrl));
  } finally {
    await pool.end();
  }
}

/** Migrates the schema, then opens the store and checks the seal key, as openStorage does for LevelDB. */
export async function openPgStorage(options: PgStorageOptions & { sealKey: Buffer }): Promise<OpenedStorage> {
  const pool = createPool(options);
  const barrier = new Barrier(options.sealKey);
  const storage = new PgStorage(pool, barrier, connectionTarget(options.connectionUrl));
  try {
    await migrate(pool).catch((err: unknown) => {
      throw asStorageError(err, storage.target);
    });
    return { storage, sealed: !(await unsealStorage(storage, barrier)), barrier };
  } catch (err) {
    await pool.end();
    throw err;
  }
}

type Row = { key: string; sealed: Buffer | null; clear: string | null };
/** Rows to upsert, column by column (unnest takes one array per column). */
type Written = { keys: string[]; sealed: Array<Buffer | null>; clear: Array<string | null> };

/** Deletes and upserts in one statement: atomic on its own, one round trip. Keys must be distinct. */
const UPSERT = `WITH gone AS (DELETE FROM ${KV_TABLE} WHERE key = ANY($1::text[]))
  INSERT INTO ${KV_TABLE} (key, sealed, clear)
    SELECT k, s, c::json FROM unnest($2::text[], $3::bytea[], $4::text[]) AS u(k, s, c)
  ON CONFLICT (key) DO UPDATE SET sealed = EXCLUDED.sealed, clear = EXCLUDED.clear`;

/** A row's value as LevelDB would hold it: the sealed bytes, or the clear entry's JSON text. */
function storedBytes(row: Row): Buffer {
  return row.sealed ?? Buffer.from(row.clear ?? '', 'utf8');
}

/** Stored bytes back into their column, by their kind. */
function columns(entries: Array<[key: string, bytes: Uint8Array]>): Written {
  const written: Written = { keys: [], sealed: [], clear: [] };
  for (const [key, bytes] of entries) {
    const sealed = kindOfStoredBytes(bytes) === 'sealed';
    written.keys.push(key);
    written.sealed.push(sealed ? Buffer.from(bytes) : null);
    written.clear.push(sealed ? null : Buffer.from(bytes).toString('utf8'));
  }
  return written;
}



export class PgStorage implements Storage {
  constructor(
    readonly pool: pg.Pool,
    private readonly barrier: Barrier,
    /** host:port/database, for messages. */
    readonly target: string,
  ) {}

  async get<T>(key: string): Promise<T | undefined> {
    const row = await this.row(key);
    return row?.sealed ? openJson<T>(this.barrier, key, row.sealed) : undefined;
  }

  async put(key: string, value: unknown): Promise<void> {
    await this.batch([{ type: 'put', key, value }]);
  }

  async getClear<T>(key: string): Promise<T | undefined> {
    const row = await this.row(key);
    return row?.clear ? (JSON.parse(row.clear) as T) : undefined;
  }

  async delete(key: string): Promise<void> {
    await this.query(`DELETE FROM ${KV_TABLE} WHERE key = $1`, [key]);
  }

  async batch(ops: BatchOp[]): Promise<void> {
    // The last operation on a key wins, as in a LevelDB batch; sealing comes
    // first, so a value that cannot be serialised fails the whole batch
    // before PostgreSQL sees any of it.
    const last = new Map<string, BatchOp>();
    for (const op of ops) last.set(op.key, op);
    const deleted: string[] = [];
    const written: Written = { keys: [], sealed: [], clear: [] };
    for (const op of last.values()) {
      if (op.type === 'del') {
        deleted.push(op.key);
        continue;
      }
      written.keys.push(op.key);
      written.sealed.push(op.type === 'put' ? sealJson(this.barrier, op.key, op.value) : null);
      written.clear.push(op.type === 'putClear' ? jsonText(op.key, op.value) : null);
    }
    if (last.size > 0) await this.write(deleted, written);
  }

  async list(prefix: string): Promise<string[]> {
    const { gte, lt } = prefixRange(prefix);
    // The first path segment after the prefix, folders keeping their "/", as LevelStorage.list.
    const { rows } = await this.query<{ name: string }>(
      `SELECT DISTINCT CASE WHEN strpos(rest, '/') = 0 THEN rest ELSE substr(rest, 1, strpos(rest, '/')) END AS name
         FROM (SELECT substr(key, $3) AS rest FROM ${KV_TABLE} WHERE key >= $1 AND key < $2) AS under`,
      [gte, lt, prefix.length + 1],
    );
    return rows.map((row) => row.name).filter((name) => name !== '').sort();
  }

  async *range<T>(range: KeyRange): AsyncIterable<[string, T]> {
    for await (const page of this.rangeJsonPages(range)) for (const [key, json] of page) yield [key, JSON.parse(json) as T];
  }

  async *rangeJsonPages(range: KeyRange): AsyncIterable<JsonPage> {
    for await (const rows of rowsOf(range, 'clear::text AS clear', (text, values) => this.query<Row>(text, values))) {
      yield rows.map((row) => {
        if (row.clear === null) throw new Error(`range over a sealed value at ${row.key}: ranges read clear index entries only`);
        return [row.key, row.clear] as const;
      });
    }
  }

  /**
   * One REPEATABLE READ transaction on one connection: every page is read
   * from the same snapshot, so a write that lands meanwhile is not seen.
   */
  async *rawEntries(range: KeyRange): AsyncIterable<RawEntry> {
    const client = await this.connect();
    let committed = false;
    try {
      await this.on(client, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', []);
      for await (const rows of rowsOf(range, 'sealed, clear::text AS clear', (text, values) => this.on<Row>(client, text, values))) {
        for (const row of rows) yield [row.key, storedBytes(row)];
      }
      await this.on(client, 'COMMIT', []);
      committed = true;
    } finally {
      // A caller that stops early (or a failed read) leaves the read-only transaction open: end it before the connection goes back.
      if (!committed) await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
  }

  /**
   * The table lock (SHARE ROW EXCLUSIVE) waits for every write transaction
   * already running and holds new ones off until the swap commits: no write
   * lands between the comparison and the swap's own write.
   */
  async swapRaw(swaps: RawSwap[]): Promise<string[]> {
    const client = await this.connect();
    try {
      await this.on(client, 'BEGIN', []);
      await this.on(client, `LOCK TABLE ${KV_TABLE} IN SHARE ROW EXCLUSIVE MODE`, []);
      const { rows } = await this.on<Row>(client, `SELECT key, sealed, clear::text AS clear FROM ${KV_TABLE} WHERE key = ANY($1::text[])`, [swaps.map((swap) => swap.key)]);
      const current = new Map(rows.map((row) => [row.key, storedBytes(row)]));
      const applying = swaps.filter((swap) => sameStoredBytes(current.get(swap.key), swap.expected));
      if (applying.length > 0) {
        const written = columns(applying.map((swap) => [swap.key, swap.next]));
        await this.on(client, UPSERT, [[], written.keys, written.sealed, written.clear]);
      }
      await this.on(client, 'COMMIT', []);
      return applying.map((swap) => swap.key);
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async write(deleted: string[], written: Written): Promise<void> {
    await this.query(UPSERT, [deleted, written.keys, written.sealed, written.clear]);
  }

  private async connect(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (err) {
      throw asStorageError(err, this.target);
    }
  }

  private async on<R extends pg.QueryResultRow>(client: pg.PoolClient, text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
    try {
      return await client.query<R>(text, values);
    } catch (err) {
      throw asStorageError(err, this.target);
    }
  }

  private async row(key: string): Promise<Row | undefined> {
    return (await this.query<Row>(`SELECT key, sealed, clear::text AS clear FROM ${KV_TABLE} WHERE key = $1`, [key])).rows[0];
  }

  /** Every statement goes through here, so a lost PostgreSQL is always a StorageUnavailableError. */
  async query<R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(text, values);
    } catch (err) {
      throw asStorageError(err, this.target);
    }
  }
}

/**
 * The rows of a key range in key order, a page at a time, read by keyset
 * paging (each page starts after the last key of the one before), up to the
 * range's limit.
 */
async function* rowsOf(
  range: KeyRange,
  columns: string,
  run: (text: string, values: unknown[]) => Promise<pg.QueryResult<Row>>,
): AsyncIterable<Row[]> {
  let after = range.after !== undefined && range.after >= range.gte ? range.after : undefined;
  let remaining = range.limit ?? Infinity;
  while (remaining > 0) {
    const page = Math.min(RANGE_PAGE, remaining);
    const lower = after === undefined ? 'key >= $1' : 'key > $1';
    const { rows } = await run(`SELECT key, ${columns} FROM ${KV_TABLE} WHERE ${lower} AND key < $2 ORDER BY key LIMIT $3`, [after ?? range.gte, range.lt, page]);
    if (rows.length > 0) yield rows;
    if (rows.length < page) return;
    remaining -= rows.length;
    after = rows[rows.length - 1]!.key;
  }
}
