/**
 * The PostgreSQL schema as several replicas meet it: migrations applied once
 * when servers start together, one seal key winning a race on an empty
 * database, a newer schema and a non-UTF8 database refused.
 */
import { t } from '../../helpers/suite.js';
import pg from 'pg';
import { openPgStorage } from '../../../src/storage/postgres/pg-storage.js';
import { SCHEMA_VERSION } from '../../../src/storage/postgres/schema.js';
import { generateSealKey } from '../../../src/storage/seal-key.js';
import { testDatabase } from '../../helpers/test-storage.js';

async function sql(url: string, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

const open = (url: string, sealKey: Buffer) => openPgStorage({ connectionUrl: url, maxConnections: 2, sealKey });

t.test('servers starting together on an empty database migrate it once, and one seal key wins', async (t) => {
  const url = await testDatabase();
  const keys = Array.from({ length: 5 }, () => generateSealKey());
  const opened = await Promise.all(keys.map((key) => open(url, key)));
  t.teardown(() => Promise.all(opened.map(({ storage }) => storage.close())));
  const versions = await sql(url, 'SELECT version FROM scmpki_schema_version ORDER BY version');
  t.same(versions.rows.map((row) => row.version), Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1), 'each migration applied once');
  t.equal(opened.filter(({ sealed }) => !sealed).length, 1, 'exactly one key opens the database; the others see it sealed');
  const again = await open(url, keys[opened.findIndex(({ sealed }) => !sealed)]!);
  t.equal(again.sealed, false, 'the winning key opens it at the next start');
  await again.storage.close();
});

t.test('a schema newer than this scmpki knows is refused', async (t) => {
  const url = await testDatabase();
  const first = await open(url, generateSealKey());
  await first.storage.close();
  await sql(url, `INSERT INTO scmpki_schema_version (version, description) VALUES (${SCHEMA_VERSION + 1}, 'from the future')`);
  await t.rejects(open(url, generateSealKey()), { message: `the PostgreSQL schema is at version ${SCHEMA_VERSION + 1}, newer than this scmpki knows (${SCHEMA_VERSION}): run a newer scmpki` });
});

t.test('a database that is not UTF8 is refused, saying how to make one', async (t) => {
  const admin = await testDatabase();
  await sql(admin, `CREATE DATABASE scmpki_ascii ENCODING 'SQL_ASCII' TEMPLATE template0`);
  const url = new URL(admin);
  url.pathname = '/scmpki_ascii';
  await t.rejects(open(url.toString(), generateSealKey()), /has encoding SQL_ASCII; scmpki needs a UTF8 database/);
});
