import { t } from '../helpers/suite.js';
import { createServer, type Socket } from 'node:net';
import { certificateMatchesKey } from '../../src/pki/index.js';
import { enrollCertificate } from '../../src/lifecycle/enroll.js';
import { ORDER_MARKER_PREFIX, commentsWithMarker } from '../../src/lifecycle/order-intents.js';
import type { LifecycleSettings } from '../../src/server/services.js';
import type { CertificateRecord } from '../../src/lifecycle/record.js';
import { layout } from '../../src/storage/layout.js';
import { crashWhileScmAnswers, startHarness } from '../helpers/lifecycle-harness.js';
import { waitFor } from '../helpers/wait-for.js';

const h = await startHarness({ issueDelayMs: 200 });
t.teardown(() => h.close());
const lc = () => h.running.lifecycle;
const recovering: LifecycleSettings = { orderGraceMs: 0, collector: { enabled: true, intervalMs: 200 }, renewer: { enabled: false } };

async function intentCount(): Promise<number> {
  let count = 0;
  for (const dir of await h.storage.list(layout.intentConfigs)) count += (await h.storage.list(layout.intents(dir.replace(/\/$/, '')))).length;
  return count;
}

/** Earlier tests' records share the configs: these are the ones for `domain`. */
async function recordsFor(config: string, domain: string): Promise<CertificateRecord[]> {
  const records = await Promise.all((await lc().records.list(config)).map((id) => lc().records.require(config, id)));
  return records.filter((r) => r.domain === domain);
}

async function issuedRecord(config: string, domain: string): Promise<CertificateRecord | undefined> {
  const records = await recordsFor(config, domain);
  return records.length === 1 && records[0].state.at(-1)?.status === 'Issued' ? records[0] : undefined;
}

t.afterEach(async () => {
  await h.sim.controls.clearFaults();
  await h.restart();
});

t.test('the marker is appended to the caller\'s comments and always fits SCM\'s 1024', async (t) => {
  t.equal(commentsWithMarker(undefined, 'ab'), `${ORDER_MARKER_PREFIX}ab`);
  t.equal(commentsWithMarker('ticket 42 ', 'ab'), `ticket 42 ${ORDER_MARKER_PREFIX}ab`);
  const long = commentsWithMarker('x'.repeat(1024), 'a'.repeat(32));
  t.equal(long.length, 1024);
  t.ok(long.endsWith(`${ORDER_MARKER_PREFIX}${'a'.repeat(32)}`));
});

t.test('an enroll stores no intent once its record exists, and SCM\'s order carries the marker after the caller\'s comments', async (t) => {
  const { record } = await enrollCertificate(lc(), 'web', { sectigo_csr_domain: 'marked.example.com', sectigo_ssl_cert_comments: 'ticket 42' });
  t.equal(await intentCount(), 0);
  const details = await (await h.scmClient('web')).getSsl(record.ssl_id as number);
  t.match(details.comments, new RegExp(`^ticket 42 ${ORDER_MARKER_PREFIX}[0-9a-f]{32}$`));
});

for (const [config, domain, data, endpoint] of [
  ['web', 'crash.example.com', { sectigo_csr_domain: 'crash.example.com' }, 'enroll'],
  [
    'people',
    'ann.crash@example.com',
    { sectigo_client_cert_first_name: 'Ann', sectigo_client_cert_last_name: 'Crash', sectigo_client_cert_email: 'ann.crash@example.com' },
    'smime.enroll',
  ],
] as const) {
  t.test(`${config}: an order SCM placed before the crash is recovered and issued with the intent's key`, async (t) => {
    await crashWhileScmAnswers(h, endpoint, () => enrollCertificate(lc(), config, data), { collector: { enabled: false }, renewer: { enabled: false } });
    t.equal(await intentCount(), 1, 'the intent survived the crash');
    t.same(await recordsFor(config, domain), [], 'no record yet');
    await h.restart(recovering);
    const record = await waitFor('the recovered record to be issued', () => issuedRecord(config, domain));
    t.match(record.state[0], { status: 'Applied', description: /recovered after an interrupted enroll/ });
    t.ok(certificateMatchesKey(record.leaf_certificate, record.private_key), 'the certificate belongs to the intent\'s key');
    t.equal(await intentCount(), 0, 'the intent is gone');
    t.equal((await h.sim.controls.counters())[endpoint], 1, 'one order');
  });
}

t.test('SCM unreachable during recovery: the intent is kept and resolved on a later pass', async (t) => {
  await crashWhileScmAnswers(h, 'enroll', () => enrollCertificate(lc(), 'web', { sectigo_csr_domain: 'flaky.example.com' }), { collector: { enabled: false }, renewer: { enabled: false } });
  await h.sim.controls.addFault({ kind: 'error', endpoint: 'list', status: 503 });
  await h.restart(recovering);
  await waitFor('recovery to ask SCM', async () => ((await h.sim.controls.counters()).list >= 2 ? true : undefined));
  t.equal(await intentCount(), 1, 'kept while SCM errs');
  t.same(await recordsFor('web', 'flaky.example.com'), []);
  await h.sim.controls.clearFaults();
  await waitFor('the recovered record to be issued', () => issuedRecord('web', 'flaky.example.com'));
  t.equal(await intentCount(), 0);
});

t.test('a crash before SCM got the order: after the restart no record, no intent, no order at SCM', async (t) => {
  // An SCM that accepts the connection and never answers: the enroll is stuck before SCM has anything.
  const sockets = new Set<Socket>();
  const silent = createServer((socket) => sockets.add(socket)).listen(0, '127.0.0.1');
  await new Promise((resolve) => silent.once('listening', resolve));
  const web = await lc().configs.require('web');
  await lc().configs.put({ ...web, name: 'stuck', sectigo_cm_base_url: `http://127.0.0.1:${(silent.address() as { port: number }).port}` });
  await h.sim.controls.resetCounters();
  const lost = enrollCertificate(lc(), 'stuck', { sectigo_csr_domain: 'never.example.com', idempotency_key: 'k-never' }).catch(() => undefined);
  await waitFor('the intent', async () => ((await intentCount()) === 1 ? true : undefined));
  // The restarted server finds the config pointing at the real SCM, which never saw the order.
  await lc().configs.put({ ...web, name: 'stuck' });
  await h.restart();
  for (const socket of sockets) socket.destroy();
  silent.close();
  await lost;
  await h.running.collector.runOnce();
  t.equal(await intentCount(), 1, 'within the grace period an order SCM does not show yet may still be landing: kept');
  await h.restart(recovering);
  await waitFor('the intent to go', async () => ((await intentCount()) === 0 ? true : undefined));
  t.same(await lc().records.list('stuck'), [], 'no record');
  const counters = await h.sim.controls.counters();
  t.ok(counters.list >= 2 && counters.enroll === undefined, 'SCM was searched, and never got an enroll');
  const again = await enrollCertificate(lc(), 'stuck', { sectigo_csr_domain: 'never.example.com', idempotency_key: 'k-never' });
  t.equal(again.record.state.at(-1)?.status, 'Issued', 'the idempotency key was released: the retry orders');
});
