import t from 'tap';
import { rawRequest } from '../helpers/raw-http.js';
import { configAsStrings } from '../helpers/scm-connection.js';
import { startTestServer } from '../helpers/server-fixture.js';
import { assertNotInDataDir } from '../helpers/data-dir-scan.js';

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
