import t from 'tap';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { configAsStrings, rawRequest } from './raw-http.js';
import { startTestServer } from './server-fixture.js';

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)])));
  return nested.flat();
}

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

  const forms = [
    Buffer.from(password, 'utf8'),
    Buffer.from(Buffer.from(password).toString('base64')),
    Buffer.from(Buffer.from(password).toString('base64url')),
    Buffer.from(Buffer.from(password).toString('hex')),
    Buffer.from(password, 'utf16le'),
  ];
  const files = await filesUnder(server.dataDir);
  t.ok(files.length > 2, 'the data dir holds the database and the seal key');
  for (const file of files) {
    const bytes = await readFile(file);
    for (const form of forms) t.notOk(bytes.includes(form), `${file.slice(server.dataDir.length)} does not contain ${form.toString('latin1').slice(0, 12)}…`);
  }
  t.ok(server.logLines.length > 3, 'the server logged');
  t.ok(server.logLines.every((line) => !line.includes(password)), 'no log line contains the password');
  t.ok(server.logLines.every((line) => !line.includes(server.token)), 'no log line contains the root token');
});
