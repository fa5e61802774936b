/**
 * `scmpki operator migrate-storage`, the built binary, moving a LevelDB
 * installation (configs, issued certificates with their keys, tokens,
 * policies) into a fresh PostgreSQL database; then the server started on
 * PostgreSQL with the same seal key serves all of it.
 */
import { t } from '../helpers/suite.js';
import { join } from 'node:path';
import { generateSealKey } from '../../src/storage/seal-key.js';
import { clientEnroll, enrollIssued, setUpWithConfigs, sslEnroll } from '../helpers/engine-fixture.js';
import { runCli } from '../helpers/run-cli.js';
import { startTestServer } from '../helpers/server-fixture.js';
import { tempDir } from '../helpers/temp-dir.js';
import { testDatabase } from '../helpers/test-storage.js';
import { vaultRequest } from '../helpers/vault-api.js';

t.test('a LevelDB installation moves into PostgreSQL, verified, and the server serves it there with the same key', async (t) => {
  const dir = await tempDir(t, 'migrate');
  const sealKey = generateSealKey();
  const leveldb = join(dir, 'db');
  const setup = await setUpWithConfigs(t, { settings: { storage_backend: 'leveldb', storage_path: leveldb }, sealKey });
  const { token } = setup.server;
  const records: Array<[config: string, record: any]> = [
    ['web', await enrollIssued(setup, 'web', sslEnroll('moved.example.com'))],
    ['people', await enrollIssued(setup, 'people', clientEnroll('moved@example.com'))],
  ];
  const child = await vaultRequest(setup.server.url, token, 'POST', 'auth/token/create', { policies: ['default'] });
  const policy = { policy: 'path "sectigo-vault-pki/certs/*" { capabilities = ["read"] }' };
  t.equal((await vaultRequest(setup.server.url, token, 'PUT', 'sys/policies/acl/readers', policy)).status, 204);
  await setup.server.close();

  const url = await testDatabase();
  const env = { HOME: dir, SCMPKI_SEAL_KEY: sealKey.toString('base64') };
  const migrate = (from: string, to: string, keyEnv = env) => runCli(['operator', 'migrate-storage', `-from=${from}`, `-to=${to}`], { env: keyEnv });
  const moved = await migrate(`leveldb:${leveldb}`, `postgresql:${url}`);
  t.equal(moved.code, 0, moved.stderr);
  const copied = /Copied (\d+) entries \((\d+) sealed, (\d+) clear index entries\)/.exec(moved.stdout);
  t.ok(copied && Number(copied[2]) > 5 && Number(copied[3]) > 2, `sealed values and index entries were copied: ${moved.stdout}`);
  t.match(moved.stdout, `Verified: ${copied?.[1]} entries in each, every key and value identical.`);
  t.notMatch(moved.stdout, new URL(url).password, 'the connection password is not printed');
  t.match(moved.stdout, /PostgreSQL database postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/scmpki_test_\w+/);

  const again = await migrate(`leveldb:${leveldb}`, `postgresql:${url}`);
  t.equal(again.code, 1, 'a target holding a database is refused');
  t.match(again.stderr, /already holds a database; migrate into an empty one/);
  const wrongKey = await migrate(`leveldb:${leveldb}`, `postgresql:${await testDatabase()}`, { HOME: dir, SCMPKI_SEAL_KEY: generateSealKey().toString('base64') });
  t.equal(wrongKey.code, 1);
  t.match(wrongKey.stderr, /the key from SCMPKI_SEAL_KEY does not open storage_path/);
  // Checked before the target is looked at: any URL will do.
  const noSource = await migrate(`leveldb:${join(dir, 'nothing')}`, `postgresql:${url}`);
  t.equal(noSource.code, 1);
  t.match(noSource.stderr, /holds no database to migrate/);
  const badFlag = await migrate(`mysql:${leveldb}`, `postgresql:${url}`);
  t.equal(badFlag.code, 1);
  t.match(badFlag.stderr, /-from: expected leveldb:DIR or postgresql:postgresql:\/\//);

  const server = await startTestServer(t, { storage_backend: 'postgresql', storage_connection_url: url }, { sealKey });
  t.equal(server.rootToken, undefined, 'the database already has its root token');
  for (const [config, record] of records) {
    const read = await vaultRequest(server.url, token, 'GET', `sectigo-vault-pki/readcert/${config}/${record.cert_unique_id}`);
    t.equal(read.status, 200, `record ${config}/${record.cert_unique_id} is there`);
    t.equal(read.body.data.leaf_certificate, record.leaf_certificate);
    t.equal(read.body.data.private_key, record.private_key, 'with its private key, opened with the same seal key');
  }
  const listed = await vaultRequest(server.url, token, 'LIST', 'sectigo-vault-pki/certs/web');
  t.same(listed.body.data.keys, [records[0][1].cert_unique_id], 'the listing index came along');
  t.equal((await vaultRequest(server.url, child.body.auth.client_token, 'GET', 'auth/token/lookup-self')).status, 200, 'a token made before works');
  t.equal((await vaultRequest(server.url, token, 'GET', 'sys/policies/acl/readers')).status, 200, 'the policy came along');
});
