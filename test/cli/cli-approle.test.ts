/**
 * AppRole from the built `scmpki` binary: the set-up call, a login through
 * the generic write, and `login -method=approle` as `vault login` does it.
 */
import { t } from '../helpers/suite.js';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startCliFixture } from '../helpers/cli-fixture.js';
import { tempDir } from '../helpers/temp-dir.js';
import { vaultRequest } from '../helpers/vault-api.js';

const { server, cli } = await startCliFixture(t);
const root = async (method: string, path: string, body?: unknown) => {
  const reply = await vaultRequest(server.url, server.token, method, path, body);
  if (reply.status >= 300) throw new Error(`${method} ${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body?.data;
};

t.test('enable with write, then log in through write and through login -method=approle', async (t) => {
  const enabled = await cli(['write', 'sys/auth/approle', 'type=approle']);
  t.same(enabled, { code: 0, stdout: 'Success! Data written to: sys/auth/approle\n', stderr: '' });
  await root('PUT', 'sys/policies/acl/web-readers', { policy: 'path "sectigo-vault-pki/certs/web/*" { capabilities = ["read"] }' });
  await root('POST', 'auth/approle/role/cli', { token_policies: 'web-readers', token_ttl: '20m' });
  const roleId = (await root('GET', 'auth/approle/role/cli/role-id')).role_id as string;
  const secretId = async () => (await root('POST', 'auth/approle/role/cli/secret-id', {})).secret_id as string;

  const fresh = { HOME: await tempDir(t, 'cli-approle'), VAULT_TOKEN: undefined };
  const written = await cli(['write', '-format=json', 'auth/approle/login', `role_id=${roleId}`, `secret_id=${await secretId()}`], undefined, fresh);
  t.equal(written.code, 0, written.stderr);
  t.match(JSON.parse(written.stdout).auth, { token_policies: ['default', 'web-readers'], lease_duration: 1200, metadata: { role_name: 'cli' } }, 'write needs no token');

  const roleIdFile = join(fresh.HOME, 'role-id');
  await writeFile(roleIdFile, `${roleId}\n`);
  const login = await cli(['login', '-method=approle', `role_id=@${roleIdFile}`, 'secret_id=-'], await secretId(), fresh);
  t.equal(login.code, 0, login.stderr);
  t.match(login.stdout, /^Success! You are now authenticated\./);
  t.match(login.stdout, /\ntoken_policies\s+\["default" "web-readers"\]\n/);
  t.match(await readFile(join(fresh.HOME, '.vault-token'), 'utf8'), /^hvs\./, 'stored in ~/.vault-token');
  const self = await cli(['read', '-field=path', 'auth/token/lookup-self'], undefined, fresh);
  t.same(self, { code: 0, stdout: 'auth/approle/login', stderr: '' }, 'later commands use the AppRole token');
});

t.test('a refused login exits 2 with the server\'s words; an unknown method is a usage error', async (t) => {
  const fresh = { HOME: await tempDir(t, 'cli-approle-bad'), VAULT_TOKEN: undefined };
  const bad = await cli(['login', '-method=approle', 'role_id=nobody', 'secret_id=wrong'], undefined, fresh);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /^Error authenticating: Error making API request\.[\s\S]*Code: 400\.[\s\S]*\* invalid role or secret ID/);
  const unknown = await cli(['login', '-method=userpass', 'username=x'], undefined, fresh);
  t.same([unknown.code, unknown.stderr.split('\n')[0]], [1, 'Unknown auth method: userpass. Use "scmpki login -method=approle" or a token.']);
});
