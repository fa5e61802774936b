/**
 * The PostgreSQL schema, as numbered migrations the server applies at start.
 * Several replicas may start at once: the whole check-and-apply runs under
 * one session-level advisory lock, and each migration commits with its row
 * in scmpki_schema_version, so a migration is applied once and a replica
 * never serves a schema half built. A database written by a newer scmpki
 * (a version this one does not know) is refused rather than guessed at.
 *
 * Append a migration for every change; never edit one that has shipped.
 */
import type pg from 'pg';

/** The advisory lock key held while migrating ('scmpkimg' as a 64-bit number). */
export const MIGRATION_LOCK_KEY = '8314609666661903719';

export const KV_TABLE = 'scmpki_kv';
/** The leader lease of N replicas (cluster/leadership.ts): one row at most. */
export const LEADER_TABLE = 'scmpki_leader';
const VERSION_TABLE = 'scmpki_schema_version';

interface Migration {
  version: number;
  description: string;
  sql: string;
}

const MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: 'one table of keys: sealed values (bytea) and clear index entries (json)',
    // COLLATE "C": keys compare byte by byte, as LevelDB's do, whatever the
    // database's locale, so ranges and listings come out in the same order.
    sql: `CREATE TABLE ${KV_TABLE} (
            key text COLLATE "C" PRIMARY KEY,
            sealed bytea,
            clear json,
            CHECK ((sealed IS NULL) <> (clear IS NULL))
          )`,
  },
  {
    version: 2,
    description: 'the leader lease of the replicas (one row)',
    // IF NOT EXISTS: replicas before this migration created the table themselves.
    sql: `CREATE TABLE IF NOT EXISTS ${LEADER_TABLE} (
            singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
            holder text NOT NULL,
            address text NOT NULL,
            active_since timestamptz NOT NULL,
            expires_at timestamptz NOT NULL
          )`,
  },
];

export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;

/** Brings the database's schema up to SCHEMA_VERSION. */
export async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  let failure: Error | undefined;
  try {
    await client.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY}::bigint)`);
    try {
      await applyMigrations(client);
    } finally {
      // A lost connection has released the lock with its session already.
      await client.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY}::bigint)`).catch(() => undefined);
    }
  } catch (err) {
    failure = err as Error;
    throw err;
  } finally {
    // A client that failed is closed rather than handed to the next request.
    client.release(failure);
  }
}

async function applyMigrations(client: pg.PoolClient): Promise<void> {
  const encoding = (await client.query<{ encoding: string }>(`SELECT current_setting('server_encoding') AS encoding`)).rows[0].encoding;
  if (encoding !== 'UTF8') throw new Error(`the PostgreSQL database has encoding ${encoding}; scmpki needs a UTF8 database (CREATE DATABASE … ENCODING 'UTF8')`);
  await client.query(`CREATE TABLE IF NOT EXISTS ${VERSION_TABLE} (
                        version integer PRIMARY KEY,
                        description text NOT NULL,
                        applied_at timestamptz NOT NULL DEFAULT now())`);
  const current = (await client.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${VERSION_TABLE}`)).rows[0].version ?? 0;
  if (current > SCHEMA_VERSION) {
    throw new Error(`the PostgreSQL schema is at version ${current}, newer than this scmpki knows (${SCHEMA_VERSION}): run a newer scmpki`);
  }
  for (const migration of MIGRATIONS.filter((m) => m.version > current)) {
    await client.query('BEGIN');
    try {
      await client.query(migration.sql);
      await client.query(`INSERT INTO ${VERSION_TABLE} (version, description) VALUES ($1, $2)`, [migration.version, migration.description]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }
}

/** The schema exists and holds a seal check: a database a server has already started on. */
export async function schemaHoldsData(pool: pg.Pool, sealCheckKey: string): Promise<boolean> {
  const table = await pool.query<{ found: string | null }>(`SELECT to_regclass($1)::text AS found`, [KV_TABLE]);
  if (table.rows[0].found === null) return false;
  return (await pool.query(`SELECT 1 FROM ${KV_TABLE} WHERE key = $1`, [sealCheckKey])).rowCount === 1;
}
