import { t } from '../helpers/suite.js';
import { enrollCertificate } from '../../src/lifecycle/enroll.js';
import { layout } from '../../src/storage/layout.js';
import { startHarness } from '../helpers/lifecycle-harness.js';
import { sleep } from '../helpers/wait-for.js';

const h = await startHarness({ issueDelayMs: 200 });
t.teardown(() => h.close());
const lc = () => h.running.lifecycle;
const payload = { sectigo_csr_domain: 'idem.example.com', sectigo_loop_period: 0.1 };

t.test('a retried enroll with the same Idempotency-Key places one SCM order, also when concurrent', async (t) => {
  await h.sim.controls.resetCounters();
  const [a, b] = await Promise.all([
    enrollCertificate(lc(), 'web', payload, { idempotencyKey: 'k-1' }),
    enrollCertificate(lc(), 'web', payload, { idempotencyKey: 'k-1' }),
  ]);
  const c = await enrollCertificate(lc(), 'web', { ...payload, idempotency_key: 'k-1' });
  t.equal((await h.sim.controls.counters()).enroll, 1, 'one order');
  t.equal(a.record.cert_unique_id, b.record.cert_unique_id);
  t.equal(c.record.cert_unique_id, a.record.cert_unique_id);
  t.equal(c.record.private_key, a.record.private_key, 'same key returned');
  t.match(c.warnings.join(' '), /no new order was placed/);
});

t.test('the same key with a different payload is a 409 and orders nothing', async (t) => {
  await enrollCertificate(lc(), 'web', payload, { idempotencyKey: 'k-2' });
  await h.sim.controls.resetCounters();
  await t.rejects(enrollCertificate(lc(), 'web', { ...payload, sectigo_csr_domain: 'other.example.com' }, { idempotencyKey: 'k-2' }), {
    name: 'ConflictError',
    message: /idempotency_key: this key was already used with a different request payload/,
  });
  t.equal((await h.sim.controls.counters()).enroll ?? 0, 0);
});

t.test('a key whose order SCM refused can be retried', async (t) => {
  await t.rejects(enrollCertificate(lc(), 'web', { ...payload, sectigo_ssl_cert_validity: 999 }, { idempotencyKey: 'k-3' }), { code: -36 });
  await t.rejects(enrollCertificate(lc(), 'web', { ...payload, sectigo_ssl_cert_validity: 999 }, { idempotencyKey: 'k-3' }), { code: -36 }, 'SCM is asked again, not a stale 409');
});

t.test('idempotency keys are stored hashed', async (t) => {
  await enrollCertificate(lc(), 'web', payload, { idempotencyKey: 'secret-looking-key' });
  const names = await h.storage.list(layout.idempotencyEntries('web'));
  t.ok(names.length > 0);
  t.notOk(names.some((n) => n.includes('secret-looking-key')));
});

t.test('after a restart the collector finishes Applied records without any read', async (t) => {
  await h.sim.controls.updateSettings({ issueDelayMs: 1000 });
  const pending = await Promise.all(
    ['r1', 'r2', 'r3'].map((n) => enrollCertificate(lc(), 'web', { sectigo_csr_domain: `${n}.example.com`, sectigo_max_timeout: 0 })),
  );
  t.ok(pending.every((p) => p.record.state.at(-1)?.status !== 'Issued'));
  await h.restart({ collector: { enabled: true, intervalMs: 200 }, renewer: { enabled: false } });
  await sleep(1200);
  for (let i = 0; i < 50; i++) {
    const records = await Promise.all(pending.map((p) => lc().records.require('web', p.record.cert_unique_id)));
    if (records.every((r) => r.state.at(-1)?.status === 'Issued')) break;
    await sleep(200);
  }
  for (const p of pending) {
    const record = await lc().records.require('web', p.record.cert_unique_id);
    t.equal(record.state.at(-1)?.status, 'Issued', `${record.domain} issued by the collector`);
    t.equal(record.private_key, p.record.private_key);
  }
});
