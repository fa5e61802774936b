/**
 * The AppRole auth method over real HTTP against a real server (LevelDB in a
 * temp dir): enabling it, roles, secret IDs and their rules, logins, what
 * the login token may do, and that no secret ID is kept or logged in clear.
 */
import { t } from '../helpers/suite.js';
import { join } from 'node:path';
import nodeVault from 'node-vault';
import { enableFileDevice, readAuditLog } from '../helpers/audit-log.js';
import { assertNotInDataDir } from '../helpers/data-dir-scan.js';
import { startTestServer } from '../helpers/server-fixture.js';
import { vaultRequest, type ApiReply } from '../helpers/vault-api.js';
import { waitFor } from '../helpers/wait-for.js';

const server = await startTestServer(t, { log_level: 'warn' });
const auditFile = join(server.dataDir, 'audit.log');

const call = (method: string, path: string, body?: unknown, token = server.token): Promise<ApiReply> => vaultRequest(server.url, token, method, path, body);

async function ok(method: string, path: string, body?: unknown): Promise<ApiReply> {
  const reply = await call(method, path, body);
  if (reply.status >= 300) throw new Error(`${method} ${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply;
}

const roleIdOf = async (role: string): Promise<string> => (await ok('GET', `auth/approle/role/${role}/role-id`)).body.data.role_id;
const newSecretId = async (role: string, body: unknown = {}): Promise<Record<string, any>> => (await ok('POST', `auth/approle/role/${role}/secret-id`, body)).body.data;
/** A login sends no token, as a fresh client has none. */
const login = (roleId: string, secretId?: string): Promise<ApiReply> => call('POST', 'auth/approle/login', { role_id: roleId, secret_id: secretId }, '');

/** Every secret ID the tests issued, to look for afterwards. */
const issued: string[] = [];

t.before(async () => {
  const closed = await call('POST', 'auth/approle/login', { role_id: 'x', secret_id: 'y' }, '');
  t.equal(closed.status, 404, 'before it is enabled, approle paths answer as unmounted');
  t.match(closed.body.errors[0], /approle auth method is not enabled/);
  t.equal((await enableFileDevice(server.url, server.token, 'file', auditFile)).status, 204);
  t.equal((await call('POST', 'sys/auth/approle', { type: 'approle', description: 'machines' })).status, 204);
});

t.test('sys/auth lists token and approle in Vault\'s shape; enabling again changes nothing', async (t) => {
  const first = (await ok('GET', 'sys/auth')).body;
  t.match(first.data['token/'], { type: 'token', accessor: /^auth_token_/, local: false, seal_wrap: false, config: { default_lease_ttl: 0 } });
  t.match(first.data['approle/'], { type: 'approle', description: 'machines', accessor: /^auth_approle_/, options: null, external_entropy_access: false });
  t.same(first['approle/'], first.data['approle/'], 'at the top level too, as Vault answers');
  t.equal((await call('POST', 'sys/auth/approle', { type: 'approle' })).status, 204, 'enable is idempotent');
  t.same((await ok('GET', 'sys/auth')).body.data['approle/'], first.data['approle/'], 'same accessor and description');

  const cases: Array<[string, unknown, string]> = [
    ['sys/auth/userpass', { type: 'userpass' }, 'type: "userpass" is not supported'],
    ['sys/auth/machines', { type: 'approle' }, 'path: approle can only be enabled at "approle"'],
    ['sys/auth/approle', {}, 'type: is required'],
  ];
  for (const [path, body, message] of cases) {
    const reply = await call('POST', path, body);
    t.equal(reply.status, 400, path);
    t.match(reply.body.errors[0], message);
  }
  const token = await call('DELETE', 'sys/auth/token');
  t.same([token.status, token.body.errors], [400, ['path: the token auth method cannot be disabled']]);
});

t.test('a role: write, read with Vault\'s fields, list, role ID', async (t) => {
  await ok('POST', 'auth/approle/role/web', { token_policies: 'config-readers', token_ttl: '1h', token_max_ttl: '4h', secret_id_ttl: '24h', secret_id_num_uses: 5 });
  const read = (await ok('GET', 'auth/approle/role/web')).body.data;
  t.match(read, {
    bind_secret_id: true,
    secret_id_num_uses: 5,
    secret_id_ttl: 86400,
    token_ttl: 3600,
    token_max_ttl: 14400,
    token_policies: ['config-readers'],
    policies: ['config-readers'],
    secret_id_bound_cidrs: [],
    token_bound_cidrs: [],
    token_num_uses: 0,
  });
  await ok('POST', 'auth/approle/role/web', { secret_id_num_uses: 0 });
  t.match((await ok('GET', 'auth/approle/role/web')).body.data, { secret_id_num_uses: 0, token_ttl: 3600, token_policies: ['config-readers'] }, 'a write changes only what it names');
  await ok('POST', 'auth/approle/role/legacy', { policies: ['a', 'b'] });
  t.same((await ok('GET', 'auth/approle/role/legacy')).body.data.token_policies, ['a', 'b'], 'policies is the legacy name of token_policies');
  t.same((await ok('LIST', 'auth/approle/role')).body.data.keys, ['legacy', 'web']);

  t.match(await roleIdOf('web'), /^[0-9a-f-]{36}$/, 'a random UUID');
  await ok('POST', 'auth/approle/role/legacy/role-id', { role_id: 'legacy-role-id' });
  t.equal(await roleIdOf('legacy'), 'legacy-role-id');
  const taken = await call('POST', 'auth/approle/role/web/role-id', { role_id: 'legacy-role-id' });
  t.same([taken.status, taken.body.errors], [409, ['role_id: already in use by another role']]);
  t.equal((await call('GET', 'auth/approle/role/nobody')).status, 404);
  t.equal((await call('GET', 'auth/approle/role/nobody/role-id')).status, 404);
});

t.test('bad role input is a 400 naming the field', async (t) => {
  const cases: Array<[unknown, string]> = [
    [{ token_ttl: '2h', token_max_ttl: '1h' }, "token_ttl: 'token_ttl' cannot be greater than 'token_max_ttl'"],
    [{ token_ttl: 'soon' }, 'token_ttl: "soon" is not a duration'],
    [{ secret_id_bound_cidrs: '10.0.0.0/33' }, 'secret_id_bound_cidrs: "10.0.0.0/33" is not a CIDR block'],
    [{ bind_secret_id: false }, 'bind_secret_id: at least one constraint should be enabled on the role'],
    [{ token_bound_cidrs: 'somewhere' }, 'token_bound_cidrs: "somewhere" is not a CIDR block'],
    [{ token_period: '1h' }, 'token_period: periodic tokens are not supported'],
    [{ token_num_uses: 3 }, 'token_num_uses: '],
    [{ token_type: 'batch' }, 'token_type: must be one of'],
    [{ colour: 'blue' }, 'colour: unknown field'],
  ];
  for (const [body, message] of cases) {
    const reply = await call('POST', 'auth/approle/role/bad', body);
    t.equal(reply.status, 400, JSON.stringify(body));
    t.match(reply.body.errors[0], message);
  }
  t.equal((await call('GET', 'auth/approle/role/bad')).status, 404, 'nothing was stored');

  const secretIdCases: Array<[unknown, string]> = [
    [{ metadata: 'not json' }, 'metadata: must be a JSON object of strings'],
    [{ metadata: { n: 5 } }, 'metadata: must be a JSON object of strings'],
    [{ metadata: { long: 'x'.repeat(513) } }, 'metadata: keys may have at most 128 characters and values at most 512'],
    [{ cidr_list: '127.0.0.1/8/1' }, 'cidr_list: "127.0.0.1/8/1" is not a CIDR block'],
  ];
  for (const [body, message] of secretIdCases) {
    const reply = await call('POST', 'auth/approle/role/web/secret-id', body);
    t.equal(reply.status, 400, JSON.stringify(body).slice(0, 60));
    t.match(reply.body.errors[0], message);
  }
  const unknown = await call('POST', 'auth/approle/role/nobody/secret-id', {});
  t.same([unknown.status, unknown.body.errors], [404, ['role "nobody" does not exist']]);
});

t.test('login returns Vault\'s auth block; the token works as its policies say', async (t) => {
  await ok('PUT', 'sys/policies/acl/config-readers', { policy: 'path "sectigo-vault-pki/configs/*" { capabilities = ["read", "list"] }' });
  const secret = await newSecretId('web', { metadata: JSON.stringify({ host: 'web-1' }) });
  issued.push(secret.secret_id);
  t.match(secret, { secret_id: /^[0-9a-f-]{36}$/, secret_id_accessor: /^[0-9a-f-]{36}$/, secret_id_ttl: 86400, secret_id_num_uses: 0 });

  const reply = await login(await roleIdOf('web'), secret.secret_id);
  t.equal(reply.status, 200);
  const auth = reply.body.auth;
  t.match(auth, {
    client_token: /^hvs\./,
    accessor: /./,
    policies: ['config-readers', 'default'],
    token_policies: ['config-readers', 'default'],
    metadata: { role_name: 'web', host: 'web-1' },
    lease_duration: 3600,
    renewable: true,
    orphan: true,
    token_type: 'service',
  });
  const self = (await call('GET', 'auth/token/lookup-self', undefined, auth.client_token)).body.data;
  t.match(self, { path: 'auth/approle/login', display_name: 'approle', orphan: true, explicit_max_ttl: 14400, meta: { role_name: 'web' } });
  t.equal((await call('LIST', 'sectigo-vault-pki/configs', undefined, auth.client_token)).status, 404, 'allowed: an empty list');
  t.equal((await call('GET', 'auth/approle/role/web', undefined, auth.client_token)).status, 403, 'denied: its policies do not reach the roles');
  t.equal((await call('POST', 'auth/approle/role/web/secret-id', {}, auth.client_token)).status, 403);
  const renewed = await call('POST', 'auth/token/renew-self', { increment: '100h' }, auth.client_token);
  t.ok(renewed.body.auth.lease_duration <= 14400, 'renewal stops at token_max_ttl');
});

t.test('every wrong credential gets Vault\'s one answer', async (t) => {
  const roleId = await roleIdOf('web');
  const secret = await newSecretId('web');
  issued.push(secret.secret_id);
  const refused = async (roleIdSent: string, secretIdSent: string | undefined, message: string, what: string) => {
    const reply = await login(roleIdSent, secretIdSent);
    t.same([reply.status, reply.body.errors], [400, [message]], what);
  };
  await refused('not-a-role-id', secret.secret_id, 'invalid role or secret ID', 'unknown role_id');
  await refused(roleId, 'not-a-secret-id', 'invalid role or secret ID', 'unknown secret_id');
  await refused(roleId, undefined, 'missing secret_id', 'no secret_id');
  await refused('', secret.secret_id, 'missing role_id', 'no role_id');
  const other = await newSecretId('legacy');
  await refused(roleId, other.secret_id, 'invalid role or secret ID', 'another role\'s secret ID');

  await ok('POST', 'auth/approle/role/web/secret-id/destroy', { secret_id: secret.secret_id });
  await refused(roleId, secret.secret_id, 'invalid role or secret ID', 'destroyed');
  t.equal((await call('POST', 'auth/approle/role/web/secret-id/lookup', { secret_id: secret.secret_id })).status, 404);

  const byAccessor = await newSecretId('web');
  await ok('POST', 'auth/approle/role/web/secret-id-accessor/destroy', { secret_id_accessor: byAccessor.secret_id_accessor });
  await refused(roleId, byAccessor.secret_id, 'invalid role or secret ID', 'destroyed by accessor');
});

t.test('secret_id_num_uses: counted once per login, also under concurrent logins', async (t) => {
  await ok('POST', 'auth/approle/role/counted', { token_policies: 'default', secret_id_num_uses: 3 });
  const roleId = await roleIdOf('counted');
  const secret = await newSecretId('counted');
  issued.push(secret.secret_id);
  t.equal((await login(roleId, secret.secret_id)).status, 200);
  const lookup = await ok('POST', 'auth/approle/role/counted/secret-id/lookup', { secret_id: secret.secret_id });
  t.match(lookup.body.data, { secret_id_num_uses: 2, secret_id_accessor: secret.secret_id_accessor, metadata: {}, cidr_list: [], expiration_time: '0001-01-01T00:00:00Z' });

  const racing = await Promise.all(Array.from({ length: 8 }, () => login(roleId, secret.secret_id)));
  t.equal(racing.filter((reply) => reply.status === 200).length, 2, 'of 8 concurrent logins, exactly the 2 uses left succeed');
  t.ok(racing.filter((reply) => reply.status !== 200).every((reply) => reply.body.errors[0] === 'invalid role or secret ID'));
  t.equal((await call('POST', 'auth/approle/role/counted/secret-id/lookup', { secret_id: secret.secret_id })).status, 404, 'the last use deleted it');
  t.equal((await call('LIST', 'auth/approle/role/counted/secret-id')).status, 404, 'no accessor left');
});

t.test('secret_id_ttl: an expired secret ID is refused', async (t) => {
  // Long enough that a stalled machine cannot expire it before the lookup below.
  const ttlSeconds = 5;
  await ok('POST', 'auth/approle/role/brief', { token_policies: 'default', secret_id_ttl: ttlSeconds });
  const roleId = await roleIdOf('brief');
  const secret = await newSecretId('brief');
  issued.push(secret.secret_id);
  t.equal(secret.secret_id_ttl, ttlSeconds);
  const expiry = (await ok('POST', 'auth/approle/role/brief/secret-id-accessor/lookup', { secret_id_accessor: secret.secret_id_accessor })).body.data.expiration_time;
  t.ok(Date.parse(expiry) - Date.now() <= ttlSeconds * 1000);
  await waitFor('the secret ID to expire', async () => (Date.now() > Date.parse(expiry) ? true : undefined));
  t.equal((await call('LIST', 'auth/approle/role/brief/secret-id')).status, 404, 'an expired secret ID is not listed');
  const reply = await login(roleId, secret.secret_id);
  t.same([reply.status, reply.body.errors], [400, ['invalid role or secret ID']]);
  const accessor = await call('POST', 'auth/approle/role/brief/secret-id-accessor/lookup', { secret_id_accessor: secret.secret_id_accessor });
  t.same([accessor.status, accessor.body.errors], [404, [`failed to find accessor entry for secret_id_accessor: "${secret.secret_id_accessor}"`]]);
});

t.test('CIDR bindings: the role\'s and the secret ID\'s, checked before a use is spent', async (t) => {
  await ok('POST', 'auth/approle/role/fenced', { token_policies: 'default', secret_id_bound_cidrs: '10.0.0.0/8', secret_id_num_uses: 1 });
  const fenced = await newSecretId('fenced');
  issued.push(fenced.secret_id);
  const outside = await login(await roleIdOf('fenced'), fenced.secret_id);
  t.same([outside.status, outside.body.errors], [400, ['source address "127.0.0.1" unauthorized by CIDR restrictions on the role']]);

  await ok('POST', 'auth/approle/role/fenced', { secret_id_bound_cidrs: '10.0.0.0/8,127.0.0.0/8' });
  const narrow = await newSecretId('fenced', { cidr_list: '192.0.2.0/24' });
  issued.push(narrow.secret_id);
  const refused = await login(await roleIdOf('fenced'), narrow.secret_id);
  t.same([refused.status, refused.body.errors], [400, ['source address "127.0.0.1" unauthorized by CIDR restrictions on the secret ID']]);
  t.equal((await ok('POST', 'auth/approle/role/fenced/secret-id/lookup', { secret_id: narrow.secret_id })).body.data.secret_id_num_uses, 1, 'the refused login spent no use');

  t.equal((await login(await roleIdOf('fenced'), fenced.secret_id)).status, 200, 'inside the role\'s blocks now');
  const loopback = await newSecretId('fenced', { cidr_list: ['127.0.0.1'] });
  t.equal((await login(await roleIdOf('fenced'), loopback.secret_id)).status, 200, 'a bare address is one host');
});

t.test('token_bound_cidrs: the login token works only from its blocks; a secret ID\'s blocks replace the role\'s', async (t) => {
  await ok('POST', 'auth/approle/role/bound', { token_policies: 'config-readers', token_bound_cidrs: '10.0.0.0/8' });
  t.same((await ok('GET', 'auth/approle/role/bound')).body.data.token_bound_cidrs, ['10.0.0.0/8']);
  const elsewhere = (await login(await roleIdOf('bound'), (await newSecretId('bound')).secret_id)).body.auth.client_token;
  t.equal((await call('GET', 'auth/token/lookup-self', undefined, elsewhere)).status, 403, 'used from 127.0.0.1: refused');
  t.same((await ok('POST', 'auth/token/lookup', { token: elsewhere })).body.data.bound_cidrs, ['10.0.0.0/8'], 'lookup shows the binding');

  const here = await newSecretId('bound', { token_bound_cidrs: ['127.0.0.1'] });
  t.same((await ok('POST', 'auth/approle/role/bound/secret-id/lookup', { secret_id: here.secret_id })).body.data.token_bound_cidrs, ['127.0.0.1/32']);
  const local = (await login(await roleIdOf('bound'), here.secret_id)).body.auth.client_token;
  t.equal((await call('LIST', 'sectigo-vault-pki/configs', undefined, local)).status, 404, 'used from 127.0.0.1: allowed (an empty list)');
});

t.test('bind_secret_id=false with bound CIDRs logs in with the role ID alone', async (t) => {
  await ok('POST', 'auth/approle/role/open', { token_policies: 'default', bind_secret_id: false, secret_id_bound_cidrs: '127.0.0.0/8' });
  const reply = await login(await roleIdOf('open'));
  t.equal(reply.status, 200);
  t.same(reply.body.auth.metadata, { role_name: 'open' });
});

t.test('node-vault 0.12: addApproleRole (legacy bound_cidr_list), getApproleRoleId, getApproleRoleSecret, approleLogin', async (t) => {
  const admin = nodeVault({ endpoint: server.url, token: server.token });
  await admin.addApproleRole({ role_name: 'nv', policies: 'config-readers', bound_cidr_list: '127.0.0.0/8', secret_id_ttl: 600 });
  t.match((await admin.getApproleRole({ role_name: 'nv' })).data, { secret_id_bound_cidrs: ['127.0.0.0/8'], token_policies: ['config-readers'], secret_id_ttl: 600 });
  const roleId = (await admin.getApproleRoleId({ role_name: 'nv' })).data.role_id;
  const secret = (await admin.getApproleRoleSecret({ role_name: 'nv' })).data;
  issued.push(secret.secret_id);
  const app = nodeVault({ endpoint: server.url });
  const loggedIn = await app.approleLogin({ role_id: roleId, secret_id: secret.secret_id });
  t.equal(app.token, loggedIn.auth.client_token, 'node-vault switches to the login token');
  t.match((await app.tokenLookupSelf()).data, { path: 'auth/approle/login', meta: { role_name: 'nv' } });
});

t.test('policies: managing roles needs capabilities; login needs none', async (t) => {
  await ok('PUT', 'sys/policies/acl/web-issuer', {
    policy: 'path "auth/approle/role/web/secret-id" { capabilities = ["update"] }\npath "auth/approle/role/web/role-id" { capabilities = ["read"] }',
  });
  const issuer = (await ok('POST', 'auth/token/create', { policies: ['web-issuer'] })).body.auth.client_token;
  t.equal((await call('GET', 'auth/approle/role/web/role-id', undefined, issuer)).status, 200);
  const secret = await call('POST', 'auth/approle/role/web/secret-id', {}, issuer);
  t.equal(secret.status, 200, 'a CI token may issue secret IDs for its role');
  issued.push(secret.body.data.secret_id);
  t.equal((await call('POST', 'auth/approle/role/legacy/secret-id', {}, issuer)).status, 403, 'but not for another');
  t.equal((await call('POST', 'auth/approle/role/web', { token_policies: 'root' }, issuer)).status, 403, 'nor change the role');
  t.equal((await call('POST', 'sys/auth/approle', { type: 'approle' }, issuer)).status, 403, 'sys/auth needs sudo');
  const withBadToken = await call('POST', 'auth/approle/login', { role_id: await roleIdOf('web'), secret_id: secret.body.data.secret_id }, 'hvs.not-a-token');
  t.equal(withBadToken.status, 200, 'a token sent with a login is not looked at');
});

t.test('?help=1 and OpenAPI cover the paths', async (t) => {
  t.match((await ok('GET', 'auth/approle/login?help=1')).body.help, /invalid role or secret ID/);
  t.match((await ok('GET', 'sys/auth/approle?help=1')).body.help, /vault auth enable approle/);
  const paths = Object.keys((await ok('GET', 'sys/internal/specs/openapi')).body.paths);
  for (const path of ['/auth/approle/login', '/auth/approle/role/{name}', '/auth/approle/role/{name}/secret-id', '/auth/approle/role/{name}/secret-id-accessor/destroy', '/sys/auth/{path}']) {
    t.ok(paths.includes(path), path);
  }
});

t.test('no secret ID in clear in storage or the audit log; disable deletes the roles', async (t) => {
  const log = await readAuditLog(auditFile);
  const text = JSON.stringify(log);
  t.ok(issued.length >= 6);
  for (const secret of issued) t.notOk(text.includes(secret), 'the audit log holds only its HMAC');
  const loginEntry = log.find((line) => line.type === 'response' && line.request.path === 'auth/approle/login' && line.response?.auth);
  t.match(loginEntry?.request.data, { role_id: /^hmac-sha256:/, secret_id: /^hmac-sha256:/ });
  t.match(loginEntry?.response?.auth, { client_token: /^hmac-sha256:/, metadata: { role_name: 'web' } });

  t.equal((await call('DELETE', 'sys/auth/approle')).status, 204);
  t.notOk((await ok('GET', 'sys/auth')).body.data['approle/'], 'gone from sys/auth');
  t.equal((await call('LIST', 'auth/approle/role')).status, 404);
  t.equal((await call('POST', 'sys/auth/approle', { type: 'approle' })).status, 204);
  t.equal((await call('LIST', 'auth/approle/role')).status, 404, 're-enabled empty: disabling deleted every role');
  await server.close();
  for (const secret of issued.slice(0, 3)) await assertNotInDataDir(t, server.dataDir, secret);
});
