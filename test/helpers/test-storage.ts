/**
 * Which storage backend the tests run on: LevelDB, or PostgreSQL when
 * SCMPKI_TEST_STORAGE=postgresql (the PostgreSQL pass of `npm test`). A test
 * names a data dir; its store lives there (LevelDB in `<dir>/db`) or in a
 * fresh PostgreSQL database whose URL is kept in `<dir>/postgresql-url`, so a
 * restart on the same data dir (in-process or as a spawned server) finds the
 * same database.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ServerSettings } from '../../src/server/settings.js';
import { openStorage } from '../../src/storage/level-storage.js';
import type { OpenedStorage } from '../../src/storage/unseal.js';
import tap from 'tap';
import { createDatabaseIn, postgresBinDir, startPostgresCluster, type PostgresCluster } from './postgres-cluster.js';

export type TestBackend = 'leveldb' | 'postgresql';

export const testBackend: TestBackend = process.env.SCMPKI_TEST_STORAGE === 'postgresql' ? 'postgresql' : 'leveldb';

let processCluster: Promise<PostgresCluster> | undefined;

/** The cluster of this process when no pass-wide one is given: started once, removed when the process's tests end. */
function clusterOfThisProcess(): Promise<PostgresCluster> {
  if (!processCluster) {
    processCluster = startPostgresCluster();
    tap.teardown(async () => (await processCluster)?.destroy());
  }
  return processCluster;
}

/** A fresh database for one test (or one server): in the pass's cluster, else in this process's own. */
export async function testDatabase(): Promise<string> {
  const shared = process.env.SCMPKI_TEST_POSTGRES_URL;
  return createDatabaseIn(shared ?? (await clusterOfThisProcess()).url());
}

/** The PostgreSQL database of a data dir, made on first use. */
async function databaseOf(dataDir: string): Promise<string> {
  const file = join(dataDir, 'postgresql-url');
  const known = await readFile(file, 'utf8').catch(() => undefined);
  if (known !== undefined) return known;
  const url = await testDatabase();
  await writeFile(file, url, { mode: 0o600 });
  return url;
}

/** Server settings that keep a server's storage in `dataDir`'s store. */
export async function storageSettingsFor(dataDir: string, backend: TestBackend = testBackend): Promise<Partial<ServerSettings>> {
  if (backend === 'leveldb') return { storage_path: join(dataDir, 'db') };
  return { storage_backend: 'postgresql', storage_connection_url: await databaseOf(dataDir), storage_max_connections: 4 };
}

/** Opens `dataDir`'s store directly, as the server would. */
export async function openTestStorage(dataDir: string, sealKey: Buffer, backend: TestBackend = testBackend): Promise<OpenedStorage> {
  if (backend === 'leveldb') return openStorage({ path: join(dataDir, 'db'), sealKey });
  // Loaded on the PostgreSQL backend only: the LevelDB pass never loads the driver.
  const { openPgStorage } = await import('../../src/storage/postgres/pg-storage.js');
  return openPgStorage({ connectionUrl: await databaseOf(dataDir), maxConnections: 4, sealKey });
}

/** `pg_dump` of a PostgreSQL data dir's database (as an attacker with a backup sees it); nothing for LevelDB, whose files are in the dir. */
export async function postgresDumpOf(dataDir: string, backend: TestBackend = testBackend): Promise<Buffer | undefined> {
  if (backend === 'leveldb') return undefined;
  const { stdout } = await promisify(execFile)(join(postgresBinDir(), 'pg_dump'), [`--dbname=${await databaseOf(dataDir)}`], {
    encoding: 'buffer',
    maxBuffer: 256 * 1024 * 1024,
  });
  return stdout;
}
