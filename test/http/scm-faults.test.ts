/**
 * How SCM's faults reach a client over real HTTP (the server, the simulator
 * and its fault injection): SCM's 429 is the caller's 429 with Retry-After; a
 * request that went out and got no answer is a 504 that says so, never
 * "unreachable"; a connection that was never established placed no order, so
 * the enroll keeps no intent and its Idempotency-Key is free at once.
 */
import { t } from '../helpers/suite.js';
import { FAST, enrollIssued, setUpWithConfigs, sslEnroll } from '../helpers/engine-fixture.js';
import { simulatorConnection } from '../helpers/scm-connection.js';

const setup = await setUpWithConfigs(t);
t.afterEach(() => setup.sim.controls.clearFaults());

t.test("SCM's 429 reaches the client as 429 with SCM's Retry-After", async (t) => {
  await setup.sim.controls.addFault({ kind: 'rateLimit', endpoint: 'enroll', retryAfterSeconds: 7, count: 1 });
  const limited = await setup.call('POST', 'enroll/web', sslEnroll('limited.example.com'), { 'Idempotency-Key': 'rate-1' });
  t.equal(limited.status, 429);
  t.match(limited.body.errors[0], /SCM is limiting the request rate/);
  const raw = await fetch(`${setup.server.url}/v1/sectigo-vault-pki/enroll/web`, {
    method: 'POST',
    headers: { 'X-Vault-Token': setup.server.token },
    body: JSON.stringify(sslEnroll('limited-again.example.com')),
  });
  t.equal(raw.status, 200, 'the fault was for one call');

  await setup.sim.controls.addFault({ kind: 'rateLimit', endpoint: 'enroll', retryAfterSeconds: 3, count: 1 });
  const again = await fetch(`${setup.server.url}/v1/sectigo-vault-pki/enroll/web`, {
    method: 'POST',
    headers: { 'X-Vault-Token': setup.server.token },
    body: JSON.stringify(sslEnroll('limited-header.example.com')),
  });
  t.equal(again.status, 429);
  t.equal(again.headers.get('retry-after'), '3', 'Retry-After is passed on');

  const retried = await setup.call('POST', 'enroll/web', sslEnroll('limited.example.com'), { 'Idempotency-Key': 'rate-1' });
  t.equal(retried.status, 200, 'SCM refused, nothing was bought: the same key orders now');
});

t.test('a request that went out and got no answer is a 504 saying so, not "SCM unreachable"', async (t) => {
  await setup.sim.controls.addFault({ kind: 'reset', endpoint: 'enroll', count: 1 });
  const reply = await setup.call('POST', 'enroll/web', sslEnroll('reset.example.com'), { 'Idempotency-Key': 'reset-1' });
  t.equal(reply.status, 504);
  t.match(reply.body.errors[0], /^no answer from SCM: .*may have reached SCM/);
  t.notMatch(reply.body.errors[0], /unreachable/);
  t.match(reply.body.errors[0], /retry with the same Idempotency-Key/);
});

t.test('an enroll whose connection was refused keeps no intent: the same Idempotency-Key orders once SCM is back', async (t) => {
  // Nothing listens on port 1: the connection is refused before any byte is sent.
  const down = { ...simulatorConnection(setup.sim), sectigo_cm_base_url: 'http://127.0.0.1:1', sectigo_config_type: 'ssl_cert', sectigo_ssl_cert_type: 2001, sectigo_ssl_cert_validity: 365, ...FAST };
  t.equal((await setup.call('POST', 'configs/later', down)).status, 204);
  await setup.sim.controls.resetCounters();

  const refused = await setup.call('POST', 'enroll/later', sslEnroll('later.example.com'), { 'Idempotency-Key': 'later-1' });
  t.equal(refused.status, 503);
  t.match(refused.body.errors[0], /^SCM unreachable: .*ECONNREFUSED/);

  t.equal((await setup.call('POST', 'configs/later', { sectigo_cm_base_url: setup.sim.url })).status, 204, 'SCM is back');
  const retried = await setup.call('POST', 'enroll/later', sslEnroll('later.example.com'), { 'Idempotency-Key': 'later-1' });
  t.equal(retried.status, 200, `the key is free at once (${JSON.stringify(retried.body?.errors ?? '')})`);
  t.equal(retried.body.data.state.at(-1).status, 'Issued');
  t.equal((await setup.sim.controls.counters()).enroll, 1, 'one order, placed by the retry');
  t.notOk(setup.server.logLines.some((line) => line.includes('interrupted enroll') && line.includes('"config":"later"')), 'no intent was left for the collector');
});

t.test('a plain issued enroll still works beside the faults', async (t) => {
  const record = await enrollIssued(setup, 'web', sslEnroll('calm.example.com'));
  t.equal(record.domain, 'calm.example.com');
});
