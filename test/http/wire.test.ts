import { t } from '../helpers/suite.js';
import { rawRequest } from '../helpers/raw-http.js';
import { configAsStrings } from '../helpers/scm-connection.js';
import { startTestServer } from '../helpers/server-fixture.js';
import { testBackend } from '../helpers/test-storage.js';

const CONFIG_PATH = '/v1/sectigo-vault-pki/configs/web';

t.test('requests as the vault CLI and curl send them', async (t) => {
  const server = await startTestServer(t);
  const auth = { 'X-Vault-Token': server.token };

  t.test('PUT with no Content-Type and every value a string', async (t) => {
    const res = await rawRequest(server.url, 'PUT', CONFIG_PATH, { headers: auth, body: JSON.stringify({ ...configAsStrings(), sectigo_verify_tls: 'false' }) });
    t.equal(res.status, 204);
    t.equal(res.text, '');
    t.equal(res.headers['cache-control'], 'no-store');
    const read = await rawRequest(server.url, 'GET', CONFIG_PATH, { headers: auth });
    t.equal(read.status, 200);
    t.equal(read.headers['content-type'], 'application/json');
    const body = read.json();
    t.equal(body.data.sectigo_cm_org_id, 1234);
    t.equal(body.data.sectigo_verify_tls, false);
    t.match(body, { lease_id: '', renewable: false, lease_duration: 0, wrap_info: null, warnings: null, auth: null, mount_type: 'sectigo-vault-pki' });
    t.match(body.request_id, /^[0-9a-f-]{36}$/);
  });

  t.test('body null (vault write -f) merges nothing and keeps the entry', async (t) => {
    const res = await rawRequest(server.url, 'PUT', CONFIG_PATH, { headers: auth, body: 'null' });
    t.equal(res.status, 204);
    const read = await rawRequest(server.url, 'GET', CONFIG_PATH, { headers: auth });
    t.equal(read.json().data.sectigo_cm_password_set, true, 'password kept when not resent');
  });

  t.test('curl -d sends a form Content-Type with a JSON body', async (t) => {
    const res = await rawRequest(server.url, 'POST', CONFIG_PATH, {
      headers: { ...auth, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: JSON.stringify({ sectigo_cm_org_id: 99 }),
    });
    t.equal(res.status, 204);
    const read = await rawRequest(server.url, 'GET', CONFIG_PATH, { headers: auth });
    t.equal(read.json().data.sectigo_cm_org_id, 99, 'update merged onto the entry');
    t.equal(read.json().data.sectigo_cm_user, 'api-user');
  });

  t.test('LIST verb and GET ?list=true', async (t) => {
    const viaVerb = await rawRequest(server.url, 'LIST', '/v1/sectigo-vault-pki/configs', { headers: auth });
    t.equal(viaVerb.status, 200);
    t.same(viaVerb.json().data.keys, ['web']);
    t.equal(viaVerb.headers['content-type'], 'application/json');
    for (const flag of ['true', 'True', '1', 't']) {
      const viaQuery = await rawRequest(server.url, 'GET', `/v1/sectigo-vault-pki/configs/?list=${flag}`, { headers: auth });
      t.same(viaQuery.json().data.keys, ['web'], `?list=${flag}`);
    }
    const badFlag = await rawRequest(server.url, 'GET', '/v1/sectigo-vault-pki/configs?list=maybe', { headers: auth });
    t.equal(badFlag.status, 400);
    t.match(badFlag.json().errors[0], /^list: /);
    const verbNoToken = await rawRequest(server.url, 'LIST', '/v1/sectigo-vault-pki/configs');
    t.equal(verbNoToken.status, 403, 'LIST goes through authentication too');
  });

  t.test('a missing entry is 404 with {"errors":[]}', async (t) => {
    const missing = await rawRequest(server.url, 'GET', '/v1/sectigo-vault-pki/configs/nope', { headers: auth });
    t.equal(missing.status, 404);
    t.equal(missing.text, '{"errors":[]}');
    t.equal(missing.headers['content-type'], 'application/json');
  });

  t.test('?help=1 returns markdown help', async (t) => {
    const res = await rawRequest(server.url, 'GET', '/v1/sectigo-vault-pki/configs/web?help=1', { headers: auth });
    t.equal(res.status, 200);
    t.match(res.json().help, /sectigo_cm_password/);
    const sysHelp = await rawRequest(server.url, 'GET', '/v1/sys/mounts?help=1', { headers: auth });
    t.match(sysHelp.json().help, /vault secrets list/);
  });

  t.test('wrapping and namespaces are refused', async (t) => {
    const wrap = await rawRequest(server.url, 'GET', CONFIG_PATH, { headers: { ...auth, 'X-Vault-Wrap-TTL': '60s' } });
    t.equal(wrap.status, 400);
    t.same(wrap.json().errors, ['X-Vault-Wrap-TTL: response wrapping is not supported']);
    const ns = await rawRequest(server.url, 'GET', CONFIG_PATH, { headers: { ...auth, 'X-Vault-Namespace': 'team-a' } });
    t.equal(ns.status, 400);
    t.match(ns.json().errors[0], /namespaces are not supported/);
    const root = await rawRequest(server.url, 'GET', CONFIG_PATH, { headers: { ...auth, 'X-Vault-Namespace': 'root/' } });
    t.equal(root.status, 200, 'root namespace accepted');
  });

  t.test('tokens: Bearer header, create, lookup-self, revoke-self, 403 never 401', async (t) => {
    const bearer = await rawRequest(server.url, 'GET', '/v1/auth/token/lookup-self', { headers: { Authorization: `Bearer ${server.token}` } });
    t.equal(bearer.status, 200);
    const none = await rawRequest(server.url, 'GET', CONFIG_PATH);
    t.equal(none.status, 403);
    t.equal(none.text, '{"errors":["permission denied"]}');
    t.equal(none.headers['content-type'], 'application/json');

    const created = await rawRequest(server.url, 'POST', '/v1/auth/token/create', { headers: auth, body: JSON.stringify({ policies: 'web,mail', ttl: '1h', display_name: 'ci' }) });
    t.equal(created.status, 200);
    const { client_token: child, policies, lease_duration } = created.json().auth;
    t.same(policies, ['mail', 'web']);
    t.equal(lease_duration, 3600);
    const lookup = await rawRequest(server.url, 'GET', '/v1/auth/token/lookup-self', { headers: { 'X-Vault-Token': child } });
    t.match(lookup.json().data, { id: child, display_name: 'token-ci', policies: ['mail', 'web'], path: 'auth/token/create' });
    t.ok(lookup.json().data.ttl > 3500 && lookup.json().data.ttl <= 3600);
    const engine = await rawRequest(server.url, 'GET', CONFIG_PATH, { headers: { 'X-Vault-Token': child } });
    t.equal(engine.status, 403, 'policies web and mail do not exist, so the engine path is denied');
    const childCreate = await rawRequest(server.url, 'POST', '/v1/auth/token/create', { headers: { 'X-Vault-Token': child }, body: '{}' });
    t.equal(childCreate.status, 403, 'creating tokens needs a policy granting auth/token/create');
    const badTtl = await rawRequest(server.url, 'POST', '/v1/auth/token/create', { headers: auth, body: '{"ttl":"soon"}' });
    t.equal(badTtl.status, 400);
    t.match(badTtl.json().errors[0], /^ttl: /);
    const revoked = await rawRequest(server.url, 'POST', '/v1/auth/token/revoke-self', { headers: { 'X-Vault-Token': child } });
    t.equal(revoked.status, 204);
    const after = await rawRequest(server.url, 'GET', '/v1/auth/token/lookup-self', { headers: { 'X-Vault-Token': child } });
    t.equal(after.status, 403);
  });

  t.test('sys endpoints', async (t) => {
    const head = await rawRequest(server.url, 'HEAD', '/v1/sys/health');
    t.equal(head.status, 200);
    t.equal(head.text, '');
    const health = await rawRequest(server.url, 'GET', '/v1/sys/health?activecode=299');
    t.equal(health.status, 299, 'status code override');
    t.equal(health.headers['cache-control'], 'no-store');
    const leader = await rawRequest(server.url, 'GET', '/v1/sys/leader');
    if (testBackend === 'leveldb') t.match(leader.json(), { ha_enabled: false, is_self: false, active_time: '0001-01-01T00:00:00Z', leader_address: '' });
    // On PostgreSQL the server is a cluster of one, and leads it.
    else t.match(leader.json(), { ha_enabled: true, is_self: true, leader_address: server.url });
    t.same((await rawRequest(server.url, 'GET', '/v1/sys/init')).json(), { initialized: true });
    const seal = await rawRequest(server.url, 'GET', '/v1/sys/seal-status');
    t.match(seal.json(), { sealed: false, initialized: true, t: 1, n: 1 });
    const openapi = await rawRequest(server.url, 'GET', '/v1/sys/internal/specs/openapi', { headers: auth });
    t.equal(openapi.json().openapi, '3.0.2');
    t.ok(openapi.json().paths['/sectigo-vault-pki/configs/{config}'].post, 'engine paths in the OpenAPI document');
    const unknown = await rawRequest(server.url, 'GET', '/v1/nothing/here', { headers: auth });
    t.equal(unknown.status, 404);
    t.match(unknown.json().errors[0], /no handler for route/);
    const notV1 = await rawRequest(server.url, 'GET', '/ui/');
    t.equal(notV1.status, 404);
    const patch = await rawRequest(server.url, 'PATCH', CONFIG_PATH, { headers: auth, body: '{}' });
    t.equal(patch.status, 405);
    const deleteList = await rawRequest(server.url, 'DELETE', '/v1/sectigo-vault-pki/configs', { headers: auth });
    t.equal(deleteList.status, 405);
    t.match(deleteList.json().errors[0], /unsupported operation/);
  });
});
