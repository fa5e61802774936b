import { t } from '../helpers/suite.js';
import { rawRequest } from '../helpers/raw-http.js';
import { configAsStrings } from '../helpers/scm-connection.js';
import { startTestServer } from '../helpers/server-fixture.js';
import { assertNotInDataDir } from '../helpers/data-dir-scan.js';
import { clientEnroll, enrollIssued, setUpWithConfigs, sslEnroll } from '../helpers/engine-fixture.js';
import { vaultRequest } from '../helpers/vault-api.js';

t.test('a config password never appears in the data dir or the logs', async (t) => {
  const password = 'Pw-9c1f7e2a-never-in-plain';
  const server = await startTestServer(t);
  const auth = { 'X-Vault-Token': server.token };
  const written = await rawRequest(server.url, 'PUT', '/v1/sectigo-vault-pki/configs/web', { headers: auth, body: JSON.stringify(configAsStrings(password)) });
  t.equal(written.status, 204);
  // A failed write carrying the password, and a query carrying it, must not leak either.
  await rawRequest(server.url, 'PUT', '/v1/sectigo-vault-pki/configs/web', { headers: auth, body: JSON.stringify({ sectigo_cm_password: password, sectigo_cm_org_id: 'x' }) });
  await rawRequest(server.url, 'GET', `/v1/sectigo-vault-pki/configs/web?sectigo_cm_password=${password}`, { headers: auth });
  const read = await rawRequest(server.url, 'GET', '/v1/sectigo-vault-pki/configs/web', { headers: auth });
  t.notOk(read.text.includes(password), 'a read never returns it');
  await server.close();

  await assertNotInDataDir(t, server.dataDir, password);
  t.ok(server.logLines.length > 3, 'the server logged');
  t.ok(server.logLines.every((line) => !line.includes(password)), 'no log line contains the password');
  t.ok(server.logLines.every((line) => !line.includes(server.token)), 'no log line contains the root token');
});

// The config password of the test above is checked the same way; on the PostgreSQL backend both scan a pg_dump.
t.test('after enrolls, no private key or token is stored in clear (LevelDB files, or pg_dump of PostgreSQL)', async (t) => {
  const setup = await setUpWithConfigs(t);
  const server = setup.server;
  const issued = [await enrollIssued(setup, 'web', sslEnroll('one.example.com')), await enrollIssued(setup, 'people', clientEnroll('jane@example.com'))];
  const created = await vaultRequest(server.url, server.token, 'POST', 'auth/token/create', { policies: ['default'] });
  t.equal(created.status, 200);
  await server.close();
  // A line from the middle of each key's base64: any copy of the key contains it.
  const keyLines = issued.map((record: { private_key: string }) => record.private_key.trim().split('\n').at(-3)!);
  for (const secret of [server.token, created.body.auth.client_token, ...keyLines]) await assertNotInDataDir(t, server.dataDir, secret);
});
