/**
 * The built `scmpki` binary's auth commands and status against a real server
 * and SCM simulator: login, token create, policy write, status, and Vault's
 * exit codes. Needs `npm run build` (npm test runs it first).
 */
import { t } from '../helpers/suite.js';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateSealKey } from '../../src/storage/seal-key.js';
import { startCliFixture } from '../helpers/cli-fixture.js';
import { startTestServer } from '../helpers/server-fixture.js';
import { tempDir } from '../helpers/temp-dir.js';
import { SIMULATOR_LOGIN } from '../helpers/scm-connection.js';

const { server, home, cli, connection } = await startCliFixture(t);
// The entry the commands below read and are refused to write.
const written = await cli(['write', 'sectigo-vault-pki/configs/demo', ...connection, `sectigo_cm_password=${SIMULATOR_LOGIN.password}`]);
if (written.code !== 0) throw new Error(`configs/demo: ${written.stderr}`);

t.test('login checks the token, stores it 0600, and later commands use it', async (t) => {
  const loginHome = await tempDir(t, 'cli-login');
  const noToken = { HOME: loginHome, VAULT_TOKEN: undefined };
  const refused = await cli(['login', 'not-a-token'], undefined, noToken);
  t.equal(refused.code, 2);
  t.match(refused.stderr, /^Error authenticating: error looking up token: Error making API request\.[\s\S]*Code: 403\./);
  await t.rejects(stat(join(loginHome, '.vault-token')), { code: 'ENOENT' }, 'a refused token is not stored');

  const login = await cli(['login', '-'], `${server.token}\n`, noToken);
  t.equal(login.code, 0, login.stderr);
  t.match(login.stdout, /^Success! You are now authenticated\./);
  t.match(login.stdout, /\ntoken_policies\s{4,}\["root"\]\n/);
  t.equal(await readFile(join(loginHome, '.vault-token'), 'utf8'), server.token);
  t.equal((await stat(join(loginHome, '.vault-token'))).mode & 0o777, 0o600);

  const read = await cli(['read', '-field=sectigo_cm_uri', 'sectigo-vault-pki/configs/demo'], undefined, noToken);
  t.same(read, { code: 0, stdout: 'demo', stderr: '' }, 'the stored token is used');
});

t.test('token create prints the token table; -field=token prints just the token', async (t) => {
  const table = await cli(['token', 'create', '-policy=web-readers', '-ttl=1h', '-display-name=web']);
  t.equal(table.code, 0, table.stderr);
  t.match(table.stdout, /\ntoken\s{4,}\S+\n/);
  t.match(table.stdout, /\ntoken_duration\s{4,}1h\n/);
  t.match(table.stdout, /\npolicies\s{4,}\["web-readers"\]\n/);

  const field = await cli(['token', 'create', '-policy=web-readers', '-field=token']);
  t.equal(field.code, 0, field.stderr);
  t.match(field.stdout, /^\S+$/);
  const lookup = JSON.parse((await cli(['login', '-format=json', field.stdout], undefined, { HOME: await tempDir(t, 'cli-token') })).stdout);
  t.same(lookup.auth.policies, ['web-readers'], 'the new token carries the policy');
});

t.test('token create -orphan and -explicit-max-ttl reach auth/token/create as no_parent and explicit_max_ttl', async (t) => {
  const made = await cli(['token', 'create', '-orphan', '-ttl=2h', '-explicit-max-ttl=1h', '-format=json']);
  t.equal(made.code, 0, made.stderr);
  const { auth } = JSON.parse(made.stdout);
  t.equal(auth.orphan, true);
  t.equal(auth.lease_duration, 3600, 'ttl capped at the explicit max');
});

t.test('policy write uploads the file as {policy}; a token holding it gets exactly what it grants', async (t) => {
  const file = join(home, 'web.hcl');
  const text = 'path "sectigo-vault-pki/configs/demo" { capabilities = ["read"] }\n';
  await writeFile(file, text);
  const result = await cli(['policy', 'write', 'demo-readers', file]);
  t.same(result, { code: 0, stdout: 'Success! Uploaded policy: demo-readers\n', stderr: '' });
  const stored = await cli(['read', '-field=policy', 'sys/policies/acl/demo-readers']);
  t.same(stored, { code: 0, stdout: text, stderr: '' }, 'read back as written');

  const fromStdin = await cli(['policy', 'write', 'demo-readers', '-'], text);
  t.same(fromStdin, { code: 0, stdout: 'Success! Uploaded policy: demo-readers\n', stderr: '' });

  const bad = await cli(['policy', 'write', 'broken', '-'], 'path "x" { capabilities = ["write"] }');
  t.equal(bad.code, 2);
  t.match(bad.stderr, /Code: 400\. Errors:\n\n\* policy: path "x": unknown capability "write"/);

  const reader = (await cli(['token', 'create', '-policy=demo-readers', '-field=token'])).stdout;
  t.match(reader, /^hvs\.\S+$/);
  const allowed = await cli(['read', '-field=sectigo_cm_uri', 'sectigo-vault-pki/configs/demo'], undefined, { VAULT_TOKEN: reader });
  t.same(allowed, { code: 0, stdout: 'demo', stderr: '' });
  const denied = await cli(['write', 'sectigo-vault-pki/configs/demo', 'sectigo_cm_uri=other'], undefined, { VAULT_TOKEN: reader });
  t.equal(denied.code, 2);
  t.match(denied.stderr, /Code: 403\. Errors:\n\n\* permission denied/);

  const missing = await cli(['policy', 'write', 'web-readers', '/nonexistent.hcl']);
  t.equal(missing.code, 1);
  t.match(missing.stderr, /^Error opening policy file: ENOENT/);
});

t.test('status: exit 0 when unsealed, 2 when sealed', async (t) => {
  const table = await cli(['status']);
  t.equal(table.code, 0, table.stderr);
  t.match(table.stdout, /\nSealed\s{4,}false\n/);
  t.match(table.stdout, /\nInitialized\s{4,}true\n/);
  const json = JSON.parse((await cli(['status', '-format=json'])).stdout);
  t.equal(json.sealed, false);

  const dataDir = await tempDir(t, 'cli-sealed');
  const first = await startTestServer(t, {}, { dataDir });
  await first.close();
  const sealed = await startTestServer(t, { serve_sealed: true }, { dataDir, sealKey: generateSealKey() });
  const sealedStatus = await cli(['status'], undefined, { VAULT_ADDR: sealed.url });
  t.equal(sealedStatus.code, 2, sealedStatus.stderr);
  t.match(sealedStatus.stdout, /\nSealed\s{4,}true\n/);

  const unreachable = await cli(['status'], undefined, { VAULT_ADDR: 'http://127.0.0.1:1' });
  t.equal(unreachable.code, 1);
  t.match(unreachable.stderr, /^Error checking seal status: /);
});
