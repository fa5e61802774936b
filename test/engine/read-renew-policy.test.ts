/**
 * Who may buy a certificate by reading it: a reader's query narrows the
 * record's auto-renew settings but never widens them, and a window as long as
 * the certificate's life renews once, at two thirds of it, however many
 * reads arrive together.
 */
import { t } from '../helpers/suite.js';
import { enrollIssued, setUp, SSL_CONFIG, sslEnroll } from '../helpers/engine-fixture.js';
import { MOUNT, vaultRequest, type ApiReply } from '../helpers/vault-api.js';

const setup = await setUp(t, { issueDelayMs: 0 });
await setup.writeConfig('web', SSL_CONFIG);
const root = setup.server.token;
const call = (token: string, method: string, path: string, body?: unknown): Promise<ApiReply> => vaultRequest(setup.server.url, token, method, path, body);
const renewals = async () => (await setup.sim.controls.counters()).renewById ?? 0;
const DAY_MS = 24 * 60 * 60 * 1000;

async function tokenWith(name: string, capabilities: string[]): Promise<string> {
  const policy = await call(root, 'PUT', `sys/policies/acl/${name}`, { policy: `path "${MOUNT}/certs/web/*" { capabilities = ${JSON.stringify(capabilities)} }` });
  if (policy.status !== 204) throw new Error(`policy ${name}: ${policy.status}`);
  return (await call(root, 'POST', 'auth/token/create', { policies: [name] })).body.auth.client_token;
}

const reader = await tokenWith('web-reader', ['read']);
const writer = await tokenWith('web-writer', ['read', 'update']);

t.test('a read-only token cannot switch auto-renew on or widen the window: SCM is never asked to renew', async (t) => {
  const issued = await enrollIssued(setup, 'web', sslEnroll('reader.example.com'));
  await setup.sim.controls.resetCounters();
  const path = `${MOUNT}/certs/web/${issued.cert_unique_id}?sectigo_auto_renew=true&sectigo_expiry_window=364`;
  for (let i = 0; i < 4; i++) {
    const read = await call(reader, 'GET', path);
    t.equal(read.status, 200);
    t.equal(read.body.data.cert_unique_id, issued.cert_unique_id, 'the same certificate');
    t.match(read.body.warnings.join(' '), /needs update on this path, so the record's settings apply/);
  }
  t.equal(await renewals(), 0, 'no renewal at SCM');

  const widened = await call(writer, 'GET', path);
  t.equal(widened.status, 200);
  t.not(widened.body.data.cert_unique_id, issued.cert_unique_id, 'a token that may update the path may widen, and renews');
  t.equal(await renewals(), 1);
});

t.test('a reader may still narrow: auto-renew switched off by the query is honoured', async (t) => {
  const issued = await enrollIssued(setup, 'web', { ...sslEnroll('narrow.example.com'), sectigo_auto_renew: true });
  const records = setup.server.lifecycle!.records;
  const stored = await records.require('web', issued.cert_unique_id);
  // Near its end: due for renewal under the record's own 30-day window.
  await records.save([{ ...stored, not_before: new Date(Date.now() - 360 * DAY_MS).toISOString(), not_after: new Date(Date.now() + 5 * DAY_MS).toISOString() }]);
  await setup.sim.controls.resetCounters();
  const read = await call(reader, 'GET', `${MOUNT}/certs/web/${issued.cert_unique_id}?sectigo_auto_renew=false`);
  t.equal(read.status, 200);
  t.equal(read.body.data.cert_unique_id, issued.cert_unique_id);
  t.match(read.body.warnings.join(' '), /sectigo_auto_renew is false so it was not renewed/);
  t.equal(await renewals(), 0);
});

t.test('a window at or beyond the life renews once at two thirds of it, whatever the burst of reads', async (t) => {
  const enroll = await call(root, 'POST', `${MOUNT}/enroll/web`, { ...sslEnroll('window.example.com'), sectigo_auto_renew: true, sectigo_expiry_window: 3650 });
  t.equal(enroll.status, 200);
  t.match(enroll.body.warnings.join(' '), /renewed at two thirds of its life/, 'enroll says how the window is applied');
  const id: string = enroll.body.data.cert_unique_id;
  const records = setup.server.lifecycle!.records;
  const stored = await records.require('web', id);
  const lifeSpan = (start: number, end: number) => ({ not_before: new Date(Date.now() - start * DAY_MS).toISOString(), not_after: new Date(Date.now() + end * DAY_MS).toISOString() });

  await setup.sim.controls.resetCounters();
  const burst = () => Promise.all(Array.from({ length: 12 }, () => call(reader, 'GET', `${MOUNT}/certs/web/${id}`)));
  const fresh = await burst();
  t.ok(fresh.every((read) => read.status === 200 && read.body.data.cert_unique_id === id), 'a fresh certificate is not renewed');
  t.match(fresh[0]!.body.warnings?.join(' '), /renewed at two thirds of its life instead/);
  t.equal(await renewals(), 0);

  await records.save([{ ...stored, ...lifeSpan(200, 165) }]);
  t.same((await burst()).map((read) => read.body.data.cert_unique_id), Array(12).fill(id), 'before two thirds of a 365-day life: not yet');
  t.equal(await renewals(), 0);

  await records.save([{ ...stored, ...lifeSpan(250, 115) }]);
  const due = await burst();
  const renewedTo = new Set(due.map((read) => read.body.data.cert_unique_id));
  t.equal(renewedTo.size, 1, 'every read of the burst got the same renewal');
  t.not([...renewedTo][0], id);
  t.equal(await renewals(), 1, 'past two thirds: one renewal at SCM');
  await burst();
  t.equal(await renewals(), 1, 'the certificate that came out of the renewal is not renewed again');
});
