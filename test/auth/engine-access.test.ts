/**
 * End to end against a real server and the SCM simulator (real CA): one token
 * enrolls, another reads, and each can do exactly what its policy grants.
 */
import { t } from '../helpers/suite.js';
import { enrollIssued, setUp, SSL_CONFIG, sslEnroll } from '../helpers/engine-fixture.js';
import { MOUNT, vaultRequest, type ApiReply } from '../helpers/vault-api.js';

const setup = await setUp(t);
await setup.writeConfig('web', SSL_CONFIG);
await setup.writeConfig('other', SSL_CONFIG);

const call = (token: string, method: string, path: string, body?: unknown): Promise<ApiReply> =>
  vaultRequest(setup.server.url, token, method, path, body);

const root = setup.server.token;

async function policy(name: string, text: string): Promise<void> {
  const reply = await call(root, 'PUT', `sys/policies/acl/${name}`, { policy: text });
  if (reply.status !== 204) throw new Error(`policy ${name}: ${reply.status} ${JSON.stringify(reply.body)}`);
}

async function tokenWith(policies: string[]): Promise<string> {
  return (await call(root, 'POST', 'auth/token/create', { policies })).body.auth.client_token;
}

await policy('web-enrollers', `path "${MOUNT}/enroll/web" { capabilities = ["update"] }`);
await policy('web-readers', `path "${MOUNT}/certs/web/*" { capabilities = ["read", "list"] }`);
const enroller = await tokenWith(['web-enrollers']);
const reader = await tokenWith(['web-readers']);
const denied = { status: 403, body: { errors: ['permission denied'] } };

t.test('the enroller enrolls on web only, and cannot read what it enrolled', async (t) => {
  const enrolled = await call(enroller, 'POST', `${MOUNT}/enroll/web`, sslEnroll('enroller.example.com'));
  t.equal(enrolled.status, 200);
  t.equal(enrolled.body.data.state.at(-1).status, 'Issued');
  t.same(await call(enroller, 'POST', `${MOUNT}/enroll/other`, sslEnroll('x.example.com')), denied);
  t.same(await call(enroller, 'GET', `${MOUNT}/certs/web/${enrolled.body.data.cert_unique_id}`), denied);
  t.same(await call(enroller, 'GET', `${MOUNT}/configs/web`), denied);
});

t.test('the reader reads and lists certs/web/*, and nothing else', async (t) => {
  const web = await call(enroller, 'POST', `${MOUNT}/enroll/web`, sslEnroll('shop.example.com'));
  const id = web.body.data.cert_unique_id as string;
  const other = await enrollIssued(setup, 'other', sslEnroll('other.example.com'));

  const read = await call(reader, 'GET', `${MOUNT}/certs/web/${id}`);
  t.equal(read.status, 200);
  t.equal(read.body.data.leaf_certificate, web.body.data.leaf_certificate, 'the certificate the enroller got');
  t.match(await setup.verify(read.body.data.leaf_certificate), /: OK$/);
  const listed = await call(reader, 'LIST', `${MOUNT}/certs/web`);
  t.equal(listed.status, 200);
  t.ok(listed.body.data.keys.includes(id));

  await setup.sim.controls.resetCounters();
  t.same(await call(reader, 'GET', `${MOUNT}/certs/other/${other.cert_unique_id}`), denied);
  t.same(await call(reader, 'LIST', `${MOUNT}/certs/other`), denied);
  t.same(await call(reader, 'PUT', `${MOUNT}/configs/web`, { sectigo_cm_user: 'mallory' }), denied);
  t.same(await call(reader, 'POST', `${MOUNT}/enroll/web`, sslEnroll('evil.example.com')), denied);
  t.same(await call(reader, 'POST', `${MOUNT}/revoke/web/${id}`, { sectigo_revoke_reason: 'no' }), denied);
  t.same(await call(reader, 'DELETE', `${MOUNT}/certs/web/${id}`), denied);
  t.same(await setup.sim.controls.counters(), {}, 'SCM never asked');
  t.equal((await call(root, 'GET', `${MOUNT}/readcert/web/${id}`)).body.data.state.at(-1).status, 'Issued', 'the record is untouched');
});

t.test('sync is an update like any other engine path: granted per config, denied elsewhere and to readers', async (t) => {
  await policy('web-syncers', `path "${MOUNT}/sync/web/*" { capabilities = ["update"] }`);
  const syncer = await tokenWith(['web-syncers']);
  const web = await enrollIssued(setup, 'web', sslEnroll('sync-acl.example.com'));
  const other = await enrollIssued(setup, 'other', sslEnroll('sync-acl-other.example.com'));
  await setup.sim.controls.resetCounters();

  const synced = await call(syncer, 'POST', `${MOUNT}/sync/web/${web.cert_unique_id}`, {});
  t.equal(synced.status, 200);
  t.same(await setup.sim.controls.counters(), { details: 1 });
  t.same(await call(syncer, 'POST', `${MOUNT}/sync/web`, {}), denied, 'sync/web/* does not cover the config-wide sync/web');
  t.same(await call(syncer, 'POST', `${MOUNT}/sync/other/${other.cert_unique_id}`, {}), denied);
  t.same(await call(reader, 'POST', `${MOUNT}/sync/web/${web.cert_unique_id}`, {}), denied, 'read on certs/web/* grants no sync');
  t.same(await setup.sim.controls.counters(), { details: 1 }, 'SCM asked only for the granted sync');
});
