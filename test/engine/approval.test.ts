/**
 * The approval workflow end to end: a real server (background collector on),
 * the SCM simulator requiring approval, and real HTTP between them.
 */
import { t } from '../helpers/suite.js';
import { ORDER_REFUSED_CODE, verdictOf } from '../../src/lifecycle/order-status.js';
import { CLIENT_CONFIG, SSL_CONFIG, clientEnroll, sslEnroll, statuses } from '../helpers/engine-fixture.js';
import { scmBehindTheBack, simulatorConnection } from '../helpers/scm-connection.js';
import { startTestServer } from '../helpers/server-fixture.js';
import { startTestSimulator } from '../helpers/test-simulator.js';
import { MOUNT, engineCaller, vaultRequest } from '../helpers/vault-api.js';
import { waitFor } from '../helpers/wait-for.js';

const sim = await startTestSimulator(t, { approvalRequired: true });
const server = await startTestServer(t, { log_level: 'warn', collector_interval: 1 });
const call = engineCaller(server.url, server.token);
for (const [name, fields] of [['web', SSL_CONFIG], ['people', CLIENT_CONFIG]] as const) {
  const reply = await call('POST', `configs/${name}`, { ...fields, ...simulatorConnection(sim) });
  if (reply.status !== 204) throw new Error(JSON.stringify(reply.body));
}
const SHORT_WAIT = { sectigo_max_timeout: 0.3, sectigo_loop_period: 0.1 };
const SCM_DATE = String.raw`\d\d/\d\d/\d{4}`;

async function pendingOrder(domain: string) {
  const reply = await call('POST', 'enroll/web', { ...sslEnroll(domain), ...SHORT_WAIT });
  if (reply.status !== 200) throw new Error(JSON.stringify(reply.body));
  return reply;
}

t.test('an order awaiting approval says so, in the record and in the warning', async (t) => {
  const enrolled = await pendingOrder('awaiting.example.com');
  const record = enrolled.body.data;
  t.same(statuses(record), ['Applied', 'TimedoutStateSaved']);
  t.match(record.pending_reason, new RegExp(`^awaiting approval at SCM since ${SCM_DATE} \\(SCM status Requested\\)$`));
  t.match(enrolled.body.warnings[0], /^SCM has not issued the certificate yet: awaiting approval at SCM since .* \(sectigo_max_timeout/);

  await sim.controls.resetCounters();
  const read = await call('GET', `certs/web/${record.cert_unique_id}?sectigo_max_timeout=0`);
  t.equal(read.body.data.pending_reason, record.pending_reason, 'a later read gives the same reason');
  t.same(await sim.controls.counters(), { collect: 1, details: 1 }, 'one collect, then one look at the order');
});

t.test('approve → the background collector collects the issued certificate', async (t) => {
  const id = (await pendingOrder('approve-me.example.com')).body.data.cert_unique_id;
  const missing = await call('POST', `approve/web/${id}`, {});
  t.equal(missing.status, 400);
  t.match(missing.body.errors[0], /message/);

  await sim.controls.resetCounters();
  const approved = await call('POST', `approve/web/${id}`, { message: 'change ticket 4711' });
  t.equal(approved.status, 200, JSON.stringify(approved.body.errors));
  t.match(approved.body.warnings[0], /approved at SCM; the background collector collects/);
  t.equal((await sim.controls.counters()).approve, 1);

  const issued = await waitFor('the collector to collect the approved order', async () => {
    const record = await server.lifecycle!.records.require('web', id);
    return record.state.at(-1)?.status === 'Issued' ? record : undefined;
  });
  t.equal(issued.pending_reason, undefined, 'no reason once issued');
  t.match(issued.leaf_certificate, /BEGIN CERTIFICATE/);

  const again = await call('POST', `approve/web/${id}`, { message: 'twice' });
  t.equal(again.status, 400);
  t.match(again.body.errors[0], /id: .* is Issued; only an order SCM still owes/);
});

t.test('decline → ErrorCode in SCM\'s words; the collector stops', async (t) => {
  const id = (await pendingOrder('decline-me.example.com')).body.data.cert_unique_id;
  const declined = await call('POST', `decline/web/${id}`, { message: 'not our domain' });
  t.equal(declined.status, 200, JSON.stringify(declined.body.errors));
  const record = declined.body.data;
  t.same(statuses(record), ['Applied', 'TimedoutStateSaved', 'ErrorCode']);
  t.equal(record.last_error.code, -183, "SCM's collect code");
  t.match(record.last_error.description, new RegExp(`^SCM status Declined since ${SCM_DATE}: Certificate is not collectable\\.$`));
  t.equal(record.pending_reason, undefined);
  t.same(declined.body.warnings, ['declined at SCM: not our domain']);
  t.same(await server.lifecycle!.records.indexKeys('web', id), [], 'nothing left for the background workers');
});

t.test('a decline made while a collect waits on SCM is recorded in SCM\'s words for the declined order', async (t) => {
  const id = (await pendingOrder('decline-midway.example.com')).body.data.cert_unique_id;
  // The read's collect says pending; its look at the order waits a second, and is answered after the decline.
  await sim.controls.addFault({ kind: 'latency', endpoint: 'details', latencyMs: 1_000, count: 1 });
  await sim.controls.resetCounters();
  const reading = call('GET', `certs/web/${id}?sectigo_max_timeout=0`);
  await waitFor('a collect to ask where the order is', async () => (((await sim.controls.counters()).details ?? 0) >= 1 ? true : undefined));
  const declined = await call('POST', `decline/web/${id}`, { message: 'too late' });
  t.equal(declined.status, 200, JSON.stringify(declined.body.errors));
  t.same(statuses(declined.body.data), ['Applied', 'TimedoutStateSaved', 'ErrorCode']);
  t.equal(declined.body.data.last_error.code, -183, "SCM's collect code for the declined order, not its answer from before the decline");
  t.match(declined.body.data.last_error.description, new RegExp(`^SCM status Declined since ${SCM_DATE}: Certificate is not collectable\\.$`));
  t.equal((await reading).status, 200);
});

t.test('declined in SCM\'s web UI: the next read records it', async (t) => {
  const record = (await pendingOrder('declined-elsewhere.example.com')).body.data;
  const scm = scmBehindTheBack(sim);
  t.teardown(() => scm.close());
  await scm.declineSsl(record.ssl_id, 'declined by an SCM admin');
  const read = await call('GET', `certs/web/${record.cert_unique_id}?sectigo_max_timeout=0`);
  t.equal(read.body.data.state.at(-1).status, 'ErrorCode');
  t.match(read.body.warnings[0], /^SCM error -183 while collecting: SCM status Declined since/);
  await sim.controls.resetCounters();
  await call('GET', `certs/web/${record.cert_unique_id}?sectigo_max_timeout=0`);
  t.same((await server.lifecycle!.records.require('web', record.cert_unique_id)).state.length, read.body.data.state.length, 'the same answer again is not news');
});

t.test('what cannot be approved is a 4xx naming why; policies apply', async (t) => {
  const client = await call('POST', 'enroll/people', { ...clientEnroll('jane@example.com'), ...SHORT_WAIT });
  const clientId = client.body.data.cert_unique_id;
  const refused = await call('POST', `approve/people/${clientId}`, { message: 'ok' });
  t.equal(refused.status, 400);
  t.match(refused.body.errors[0], /only SSL orders/);
  t.equal((await call('POST', 'approve/web/1_nosuch', { message: 'ok' })).status, 404);
  const tooLong = await call('POST', 'approve/web/1_nosuch', { message: 'x'.repeat(513) });
  t.equal(tooLong.status, 400);
  t.match(tooLong.body.errors[0], /message/);

  const id = (await pendingOrder('policy.example.com')).body.data.cert_unique_id;
  const root = (method: string, path: string, body?: unknown) => vaultRequest(server.url, server.token, method, path, body);
  t.equal((await root('PUT', 'sys/policies/acl/approvers', { policy: `path "${MOUNT}/approve/web/*" { capabilities = ["update"] }` })).status, 204);
  const approver = (await root('POST', 'auth/token/create', { policies: ['approvers'] })).body.auth.client_token;
  t.equal((await vaultRequest(server.url, approver, 'POST', `${MOUNT}/decline/web/${id}`, { message: 'no' })).status, 403);
  t.equal((await vaultRequest(server.url, approver, 'POST', `${MOUNT}/approve/web/${id}`, { message: 'yes' })).status, 200);
});

t.test('every SCM status an order can stand in, in words: refused ones end as ErrorCode, S/MIME ones say they are at the CA', async (t) => {
  const collected = { code: -183, description: 'Certificate is not collectable.' };
  for (const status of ['Rejected', 'Invalid']) {
    t.same(verdictOf({ status }, 'ssl_cert', collected), { kind: 'failed', fault: { code: -183, description: `SCM status ${status}: Certificate is not collectable.` } });
    t.same(verdictOf({ status }, 'client_cert'), { kind: 'failed', fault: { code: ORDER_REFUSED_CODE, description: `SCM status ${status}` } }, 'no collect answer: scmpki\'s code');
  }
  t.same(verdictOf({ status: 'Declined', declined: '12/01/2026' }, 'ssl_cert'), { kind: 'failed', fault: { code: ORDER_REFUSED_CODE, description: 'SCM status Declined since 12/01/2026' } });
  t.same(verdictOf({ status: 'Requested', requested: '12/01/2026' }, 'client_cert'), { kind: 'pending', reason: 'requested at SCM since 12/01/2026, awaiting issuance (SCM state Requested)' });
  t.same(verdictOf({ status: 'Requested', requested: '12/01/2026' }, 'ssl_cert'), { kind: 'pending', reason: 'awaiting approval at SCM since 12/01/2026 (SCM status Requested)' });
  t.same(verdictOf({ status: 'Applied', approved: '12/02/2026' }, 'ssl_cert'), { kind: 'pending', reason: 'at the CA since 12/02/2026, awaiting issuance (SCM status Applied)' });
  t.equal(verdictOf({ status: 'Issued' }, 'ssl_cert'), undefined, 'Issued explains nothing: the next collect gets it');
});
