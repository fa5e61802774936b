import { t } from '../helpers/suite.js';
import { chmod, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { enableFileDevice, readAuditLog } from '../helpers/audit-log.js';
import { configAsStrings } from '../helpers/scm-connection.js';
import { startTestServer } from '../helpers/server-fixture.js';
import { vaultRequest } from '../helpers/vault-api.js';

t.test('sys/audit enables, lists and disables a file device; sys/audit-hash hashes as it does', async (t) => {
  const server = await startTestServer(t);
  const file = join(server.dataDir, 'audit.log');
  const api = (method: string, path: string, body?: unknown) => vaultRequest(server.url, server.token, method, path, body);

  t.equal((await enableFileDevice(server.url, server.token, 'file', file)).status, 204);
  t.equal((await stat(file)).mode & 0o777, 0o600, 'the log is created 0600');
  const listed = await api('GET', 'sys/audit');
  t.equal(listed.status, 200);
  t.match(listed.body.data, { 'file/': { type: 'file', options: { file_path: file }, path: 'file/' } });
  t.match(listed.body['file/'], { type: 'file' }, 'at the top level too, as Vault answers');

  const again = await enableFileDevice(server.url, server.token, 'file', file);
  t.equal(again.status, 400);
  t.match(again.body.errors[0], /already enabled/);
  const raw = await api('PUT', 'sys/audit/raw', { type: 'file', options: { file_path: file, log_raw: 'true' } });
  t.equal(raw.status, 400, 'log_raw is refused: nothing is ever logged in clear');
  t.equal((await api('PUT', 'sys/audit/sock', { type: 'socket', options: { address: 'x' } })).status, 400);

  const hashed = await api('PUT', 'sys/audit-hash/file', { input: 'some-value' });
  t.equal(hashed.status, 200);
  t.match(hashed.body.data.hash, /^hmac-sha256:[0-9a-f]{64}$/);
  t.equal(hashed.body.hash, hashed.body.data.hash);
  t.equal((await api('PUT', 'sys/audit-hash/nope', { input: 'x' })).status, 404);

  const password = 'Pw-audit-1f4e-never-in-clear';
  t.equal((await api('PUT', 'sectigo-vault-pki/configs/web', configAsStrings(password))).status, 204);
  const log = await readAuditLog(file);
  const write = log.filter((line) => line.request.path === 'sectigo-vault-pki/configs/web');
  t.same(write.map((line) => line.type), ['request', 'response'], 'one request and one response entry');
  const [request, response] = write;
  t.equal(request!.request.id, response!.request.id, 'sharing the request id');
  t.match(request!.request, { operation: 'update', remote_address: '127.0.0.1' });
  t.match(request!.auth, { policies: ['root'], display_name: 'root', client_token: /^hmac-sha256:/, accessor: /^hmac-sha256:/ });
  t.equal(response!.response!.status_code, 204);
  const passwordHash = (await api('PUT', 'sys/audit-hash/file', { input: password })).body.data.hash;
  t.equal(request!.request.data.sectigo_cm_password, passwordHash, 'the password is logged as its hash, which sys/audit-hash reproduces');
  t.equal(request!.request.data.sectigo_cm_uri, 'acme', 'a field an auditor needs stays readable');
  t.notOk(JSON.stringify(log).includes(password));
  t.notOk(JSON.stringify(log).includes(server.token));

  t.equal((await api('DELETE', 'sys/audit/file')).status, 204);
  const before = (await readAuditLog(file)).length;
  await api('GET', 'sectigo-vault-pki/configs/web');
  t.equal((await readAuditLog(file)).length, before, 'a disabled device writes nothing');
  t.equal((await api('GET', 'sys/audit')).body.data['file/'], undefined);
});

t.test('failed requests are logged with their error, and no secret in the error', async (t) => {
  const server = await startTestServer(t);
  const file = join(server.dataDir, 'audit.log');
  await enableFileDevice(server.url, server.token, 'file', file);
  const bad = await vaultRequest(server.url, 'hvs.not-a-token-9d2c', 'GET', 'sectigo-vault-pki/configs');
  t.equal(bad.status, 403);
  const secret = 'Secret-7a1c-in-a-bad-field';
  const invalid = await vaultRequest(server.url, server.token, 'PUT', 'sectigo-vault-pki/configs/web', { ...configAsStrings(secret), sectigo_cm_org_id: 'not-a-number' });
  t.equal(invalid.status, 400);
  const log = await readAuditLog(file);
  const denied = log.filter((line) => line.error === 'permission denied');
  t.same(denied.map((line) => line.type), ['request', 'response'], 'a refused token is on record');
  t.match(denied[0]!.auth, { client_token: /^hmac-sha256:/ });
  t.notOk(JSON.stringify(log).includes('hvs.not-a-token-9d2c'));
  const refused = log.find((line) => line.type === 'response' && line.response?.status_code === 400);
  t.ok(refused?.error, 'the 400 carries its error');
  t.notOk(JSON.stringify(log).includes(secret), 'neither the body nor the error holds the value in clear');
});

t.test('enabling and hashing need sudo', async (t) => {
  const server = await startTestServer(t);
  const api = (token: string, method: string, path: string, body?: unknown) => vaultRequest(server.url, token, method, path, body);
  await api(server.token, 'PUT', 'sys/policies/acl/auditor', { policy: 'path "sys/audit*" { capabilities = ["read", "update", "delete"] }' });
  await api(server.token, 'PUT', 'sys/policies/acl/audit-admin', { policy: 'path "sys/audit*" { capabilities = ["read", "update", "delete", "sudo"] }' });
  const plain = (await api(server.token, 'PUT', 'auth/token/create', { policies: ['auditor'] })).body.auth.client_token;
  const admin = (await api(server.token, 'PUT', 'auth/token/create', { policies: ['audit-admin'] })).body.auth.client_token;
  const file = join(server.dataDir, 'audit.log');
  t.equal((await enableFileDevice(server.url, plain, 'file', file)).status, 403, 'without sudo');
  t.equal((await api(plain, 'GET', 'sys/audit')).status, 403);
  t.equal((await enableFileDevice(server.url, admin, 'file', file)).status, 204, 'with sudo');
  t.equal((await api(plain, 'PUT', 'sys/audit-hash/file', { input: 'x' })).status, 403);
  t.equal((await api(admin, 'PUT', 'sys/audit-hash/file', { input: 'x' })).status, 200);
});

t.test('fail closed: a read-only audit file refuses requests with a clear error', async (t) => {
  const server = await startTestServer(t);
  const file = join(server.dataDir, 'audit.log');
  const api = (method: string, path: string, body?: unknown) => vaultRequest(server.url, server.token, method, path, body);

  await chmod(await touch(file), 0o444);
  const refusedEnable = await enableFileDevice(server.url, server.token, 'file', file);
  t.equal(refusedEnable.status, 400, 'a read-only file cannot be enabled');
  t.match(refusedEnable.body.errors[0], /read-only/);
  t.equal((await api('PUT', 'sectigo-vault-pki/configs/web', configAsStrings())).status, 204, 'no device enabled: requests proceed, unlogged');

  await chmod(file, 0o600);
  t.equal((await enableFileDevice(server.url, server.token, 'file', file)).status, 204);
  await chmod(file, 0o444);
  await server.reopenAuditFiles();
  const refused = await api('GET', 'sectigo-vault-pki/configs/web');
  t.equal(refused.status, 503);
  t.match(refused.body.errors[0], /^audit log failure: .*file: the file is read-only \(mode 0444\)/);
  t.notOk(refused.body.errors[0].includes(server.dataDir), 'the file path stays in the server log');
  const write = await api('PUT', 'sectigo-vault-pki/configs/other', configAsStrings());
  t.equal(write.status, 503, 'a write is refused before it runs');
  t.equal((await api('GET', 'sectigo-vault-pki/configs/other')).status, 503);
  t.ok(server.logLines.some((line) => line.includes('audit log failure')), 'the server log says why');

  await chmod(file, 0o600);
  t.equal((await api('GET', 'sectigo-vault-pki/configs/other')).status, 404, 'fixed: served again without a signal, and the refused write never ran');
  t.equal((await api('GET', 'sys/health')).status, 200, 'status paths are not audited');
});

t.test('a second device that can write keeps requests going', async (t) => {
  const server = await startTestServer(t);
  const first = join(server.dataDir, 'first.log');
  const second = join(server.dataDir, 'second.log');
  await enableFileDevice(server.url, server.token, 'first', first);
  await enableFileDevice(server.url, server.token, 'second', second);
  await chmod(first, 0o444);
  await server.reopenAuditFiles();
  t.equal((await vaultRequest(server.url, server.token, 'GET', 'auth/token/lookup-self')).status, 200);
  const lines = await readAuditLog(second);
  const lookup = lines.filter((line) => line.request.path === 'auth/token/lookup-self');
  t.equal(lookup.length, 2);
  t.match(lookup[1]!.response!.data.id, /^hmac-sha256:/, 'lookup-self answers the token as `id`: hashed');
});

t.test('rotation: reopening after the file was moved starts a new file', async (t) => {
  const server = await startTestServer(t);
  const file = join(server.dataDir, 'audit.log');
  await enableFileDevice(server.url, server.token, 'file', file);
  await vaultRequest(server.url, server.token, 'GET', 'auth/token/lookup-self');
  await rename(file, `${file}.1`);
  await vaultRequest(server.url, server.token, 'GET', 'auth/token/lookup-self');
  t.equal((await readAuditLog(`${file}.1`)).length, 4, 'until reopened, the moved file gets the entries');
  await server.reopenAuditFiles();
  await vaultRequest(server.url, server.token, 'GET', 'auth/token/lookup-self');
  const fresh = await readAuditLog(file);
  t.equal(fresh.length, 2);
  t.equal((await stat(file)).mode & 0o777, 0o600);
});

t.test('devices survive a restart with the same salt', async (t) => {
  const server = await startTestServer(t);
  const file = join(server.dataDir, 'audit.log');
  await enableFileDevice(server.url, server.token, 'file', file);
  const before = (await vaultRequest(server.url, server.token, 'PUT', 'sys/audit-hash/file', { input: 'v' })).body.data.hash;
  await server.close();
  const again = await startTestServer(t, {}, { sealKey: server.sealKey, dataDir: server.dataDir });
  const token = server.token;
  t.equal((await vaultRequest(again.url, token, 'PUT', 'sys/audit-hash/file', { input: 'v' })).body.data.hash, before);
  const count = (await readAuditLog(file)).length;
  await vaultRequest(again.url, token, 'GET', 'auth/token/lookup-self');
  t.equal((await readAuditLog(file)).length, count + 2, 'the restarted server logs to the same file');
});

async function touch(file: string): Promise<string> {
  const { writeFile } = await import('node:fs/promises');
  await writeFile(file, '');
  return file;
}
