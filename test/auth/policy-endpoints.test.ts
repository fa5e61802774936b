/**
 * sys/policies/acl over real HTTP against a real server (LevelDB in a temp
 * dir): node-vault with its defaults (LIST verb) for the happy path, raw
 * requests for the status codes and exact messages.
 */
import { t } from '../helpers/suite.js';
import nodeVault from 'node-vault';
import { configAsStrings } from '../helpers/scm-connection.js';
import { startTestServer } from '../helpers/server-fixture.js';
import { vaultRequest, type ApiReply } from '../helpers/vault-api.js';

const server = await startTestServer(t, { log_level: 'warn' });
const vault = nodeVault({ endpoint: server.url, token: server.token });

const call = (method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<ApiReply> =>
  vaultRequest(server.url, options.token ?? server.token, method, path, options.body);

async function tokenWith(...policies: string[]): Promise<string> {
  const created = await call('POST', 'auth/token/create', { body: { policies } });
  if (created.status !== 200) throw new Error(`token create: ${JSON.stringify(created.body)}`);
  return created.body.auth.client_token;
}

const WEB_READERS = 'path "sectigo-vault-pki/certs/web/*" {\n  capabilities = ["read", "list"]\n}\n';

t.test('write, read, list and delete with node-vault (LIST verb) and ?list=true', async (t) => {
  t.equal(await vault.write('sys/policies/acl/web-readers', { policy: WEB_READERS }), '', 'write → 204');
  const json = JSON.stringify({ path: { 'sectigo-vault-pki/configs': { capabilities: ['list'] } } });
  await vault.write('sys/policies/acl/config-listers', { policy: json });

  const read = await vault.read('sys/policies/acl/web-readers');
  t.same(read.data, { name: 'web-readers', policy: WEB_READERS });
  t.same((await vault.read('sys/policies/acl/config-listers')).data.policy, json, 'the JSON form is kept as written');
  t.same((await vault.read('sys/policies/acl/default')).data, { name: 'default', policy: '' }, 'default is a built-in, empty');

  t.same((await vault.list('sys/policies/acl')).data.keys, ['config-listers', 'default', 'root', 'web-readers']);
  const query = await call('GET', 'sys/policies/acl?list=true');
  t.same(query.body.data.keys, ['config-listers', 'default', 'root', 'web-readers']);

  await vault.delete('sys/policies/acl/config-listers');
  t.same((await vault.list('sys/policies/acl')).data.keys, ['default', 'root', 'web-readers']);
  const gone = await call('GET', 'sys/policies/acl/config-listers');
  t.same(gone, { status: 404, body: { errors: [] } });
});

t.test('Vault\'s older sys/policy paths (hvac\'s policy calls) reach the same policies', async (t) => {
  t.equal((await call('PUT', 'sys/policy/legacy-readers', { body: { policy: WEB_READERS } })).status, 204);
  t.same((await call('GET', 'sys/policy/legacy-readers')).body.data, { name: 'legacy-readers', rules: WEB_READERS }, 'read answers the text as rules');
  t.same((await call('GET', 'sys/policies/acl/legacy-readers')).body.data, { name: 'legacy-readers', policy: WEB_READERS }, 'one store');
  t.equal((await call('PUT', 'sys/policy/legacy-rules', { body: { rules: WEB_READERS } })).status, 204, 'rules is the older name of policy');
  const listed = (await call('GET', 'sys/policy')).body.data;
  t.same(listed.policies, (await call('LIST', 'sys/policies/acl')).body.data.keys, 'the same names as sys/policies/acl');
  t.ok(listed.policies.includes('legacy-rules'));
  t.same(listed.keys, listed.policies);

  const missing = await call('PUT', 'sys/policy/empty', { body: {} });
  t.equal(missing.status, 400);
  t.same(missing.body.errors, ['policy: is required']);
  t.match((await call('DELETE', 'sys/policy/root')).body.errors, [/^name: cannot delete the built-in "root" policy/]);
  const reader = await tokenWith('legacy-readers');
  t.equal((await call('GET', 'sys/policy', { token: reader })).status, 403, 'sudo-protected as sys/policies');

  t.equal((await call('DELETE', 'sys/policy/legacy-readers')).status, 204);
  t.equal((await call('DELETE', 'sys/policy/legacy-rules')).status, 204);
  t.equal((await call('GET', 'sys/policy/legacy-readers')).status, 404);
});

t.test('bad input is a 400 naming the field and the problem; nothing is stored', async (t) => {
  const cases: Array<[string, unknown, string]> = [
    ['broken', { policy: 'path "a" {' }, 'policy: failed to parse HCL: line 1, column 10: Unclosed configuration block'],
    ['broken', { policy: 'path "a" { capabilities = ["read", "admin"] }' }, 'policy: path "a": unknown capability "admin"'],
    ['broken', { policy: '{"path": {"a": {"capabilities": "read"}}}' }, 'policy: path "a": capabilities must be a list'],
    ['broken', {}, 'policy'],
    ['broken', { policy: 42 }, 'policy'],
    ['root', { policy: '' }, 'name: cannot write the built-in "root" policy'],
    ['default', { policy: WEB_READERS }, 'name: cannot write the built-in "default" policy'],
    ['.hidden', { policy: '' }, 'name: must not start with "."'],
  ];
  for (const [name, body, message] of cases) {
    const reply = await call('PUT', `sys/policies/acl/${name}`, { body });
    t.equal(reply.status, 400, `${name} ${JSON.stringify(body)}`);
    t.ok(reply.body.errors[0].startsWith(message), `${reply.body.errors[0]} starts with ${message}`);
  }
  t.equal((await call('GET', 'sys/policies/acl/broken')).status, 404, 'no half-written policy');
  const deleteDefault = await call('DELETE', 'sys/policies/acl/default');
  t.same(deleteDefault, { status: 400, body: { errors: ['name: cannot delete the built-in "default" policy'] } });
});

t.test('sys/policies needs root, or the capability plus sudo', async (t) => {
  await vault.write('sys/policies/acl/web-readers', { policy: WEB_READERS });
  const reader = await tokenWith('web-readers');
  for (const [method, path] of [['GET', 'sys/policies/acl/web-readers'], ['LIST', 'sys/policies/acl'], ['PUT', 'sys/policies/acl/mine'], ['DELETE', 'sys/policies/acl/web-readers']]) {
    const reply = await fetch(`${server.url}/v1/${path}`, { method, headers: { 'X-Vault-Token': reader }, body: method === 'PUT' ? '{"policy":""}' : undefined });
    t.equal(reply.status, 403, `${method} ${path}`);
    t.equal(await reply.text(), '{"errors":["permission denied"]}');
  }

  await vault.write('sys/policies/acl/policy-editors', { policy: 'path "sys/policies/acl/*" { capabilities = ["create", "read", "update", "delete", "list"] }' });
  const withoutSudo = await tokenWith('policy-editors');
  t.equal((await call('GET', 'sys/policies/acl/web-readers', { token: withoutSudo })).status, 403, 'no sudo, no access');

  await vault.write('sys/policies/acl/policy-admins', { policy: 'path "sys/policies/acl/*" { capabilities = ["read", "update", "list", "sudo"] }' });
  const admin = await tokenWith('policy-admins');
  t.equal((await call('PUT', 'sys/policies/acl/mine', { token: admin, body: { policy: WEB_READERS } })).status, 204);
  t.same((await call('GET', 'sys/policies/acl/mine', { token: admin })).body.data.policy, WEB_READERS);
  const listed = await call('LIST', 'sys/policies/acl', { token: admin });
  t.equal(listed.status, 200, 'sys/policies/acl/* grants the list of sys/policies/acl/');
  t.same(listed.body.data.keys, ['default', 'mine', 'policy-admins', 'policy-editors', 'root', 'web-readers']);
  t.equal((await call('DELETE', 'sys/policies/acl/mine', { token: admin })).status, 403, 'delete is not granted');
});

t.test('a token without a matching policy is refused; default alone grants nothing but the token self-paths', async (t) => {
  await vault.write('sectigo-vault-pki/configs/web', configAsStrings());
  const plain = await tokenWith('default');
  t.equal((await call('GET', 'sectigo-vault-pki/configs/web', { token: plain })).status, 403);
  t.equal((await call('GET', 'sectigo-vault-pki/configs?list=true', { token: plain })).status, 403);
  t.equal((await call('GET', 'sys/mounts', { token: plain })).status, 403);
  t.equal((await call('GET', 'sectigo-vault-pki/configs/web?help=1', { token: plain })).status, 403);
  const self = await call('GET', 'auth/token/lookup-self', { token: plain });
  t.equal(self.status, 200);
  t.same(self.body.data.policies, ['default']);

  const unknown = await tokenWith('no-such-policy');
  t.equal((await call('GET', 'sectigo-vault-pki/configs/web', { token: unknown })).status, 403, 'a policy that does not exist grants nothing');
});

t.test('a policy edit or delete takes effect on the next request', async (t) => {
  await vault.write('sectigo-vault-pki/configs/web', configAsStrings());
  await vault.write('sys/policies/acl/config-readers', { policy: 'path "sectigo-vault-pki/configs/web" { capabilities = ["read"] }' });
  const token = await tokenWith('config-readers');
  t.equal((await call('GET', 'sectigo-vault-pki/configs/web', { token })).status, 200);
  t.equal((await call('GET', 'sectigo-vault-pki/configs/web?help=1', { token })).status, 200, 'help follows any grant');
  t.equal((await call('PUT', 'sectigo-vault-pki/configs/web', { token, body: configAsStrings() })).status, 403, 'read does not grant writes');

  await vault.write('sys/policies/acl/config-readers', { policy: 'path "sectigo-vault-pki/configs/*" { capabilities = ["deny"] }' });
  t.equal((await call('GET', 'sectigo-vault-pki/configs/web', { token })).status, 403, 'edited to deny');
  await vault.write('sys/policies/acl/config-readers', { policy: 'path "sectigo-vault-pki/configs/*" { capabilities = ["read", "update"] }' });
  t.equal((await call('PUT', 'sectigo-vault-pki/configs/web', { token, body: configAsStrings() })).status, 204, 'update grants writes');
  await vault.delete('sys/policies/acl/config-readers');
  t.equal((await call('GET', 'sectigo-vault-pki/configs/web', { token })).status, 403, 'deleted');
});

t.test('percent-encoding cannot slip past a narrower deny', async (t) => {
  await vault.write('sectigo-vault-pki/configs/secret', configAsStrings());
  await vault.write('sys/policies/acl/all-but-secret', {
    policy: 'path "sectigo-vault-pki/configs/*" { capabilities = ["read"] }\npath "sectigo-vault-pki/configs/secret" { capabilities = ["deny"] }',
  });
  const token = await tokenWith('all-but-secret');
  t.equal((await call('GET', 'sectigo-vault-pki/configs/secret', { token })).status, 403);
  t.equal((await call('GET', 'sectigo-vault-pki/configs/s%65cret', { token })).status, 403);
  t.equal((await call('GET', 'sectigo-vault-pki/configs/web', { token })).status, 200);
});

t.test('token create: granted by policy, and only with the caller\'s own policies', async (t) => {
  await vault.write('sys/policies/acl/token-makers', { policy: 'path "auth/token/create" { capabilities = ["update"] }' });
  const maker = await tokenWith('token-makers', 'web-readers');
  const child = await call('POST', 'auth/token/create', { token: maker, body: { policies: ['web-readers'] } });
  t.equal(child.status, 200);
  t.same(child.body.auth.policies, ['web-readers']);
  const escalate = await call('POST', 'auth/token/create', { token: maker, body: { policies: ['root'] } });
  t.same(escalate, { status: 400, body: { errors: ['policies: "root" not held by the calling token (a token can only create tokens with a subset of its own policies)'] } });
  const reader = await tokenWith('web-readers');
  t.equal((await call('POST', 'auth/token/create', { token: reader, body: {} })).status, 403, 'no grant on auth/token/create');
});
