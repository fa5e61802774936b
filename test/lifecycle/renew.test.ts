import { t } from '../helpers/suite.js';
import { certificateMatchesKey } from '../../src/pki/index.js';
import { enrollCertificate } from '../../src/lifecycle/enroll.js';
import { readWithAutoRenew } from '../../src/lifecycle/read-with-auto-renew.js';
import { renewCertificate } from '../../src/lifecycle/renew.js';
import { startHarness } from '../helpers/lifecycle-harness.js';
import { sleep } from '../helpers/wait-for.js';

const h = await startHarness({ issueDelayMs: 200 });
t.teardown(() => h.close());
const lc = () => h.running.lifecycle;
const fast = { sectigo_loop_period: 0.1 };

t.test('20 concurrent reads of an expiring auto-renew certificate renew it exactly once', async (t) => {
  // Collected only after SCM shortened it, so the stored record is the expiring one.
  const { record } = await enrollCertificate(lc(), 'web', { sectigo_csr_domain: 'renew.example.com', sectigo_auto_renew: true, sectigo_max_timeout: 0 });
  await sleep(300);
  await h.sim.controls.expireSsl(record.ssl_id as number, 5);
  await h.sim.controls.resetCounters();

  const reads = await Promise.all(Array.from({ length: 20 }, () => readWithAutoRenew(lc(), 'web', record.cert_unique_id, fast)));
  const counters = await h.sim.controls.counters();
  t.equal(counters.renewById, 1, 'one renewal at SCM');
  const ids = new Set(reads.map((r) => r.record.cert_unique_id));
  t.equal(ids.size, 1, 'every reader got the same record');
  const [renewed] = reads.map((r) => r.record);
  t.not(renewed.cert_unique_id, record.cert_unique_id);
  t.equal(renewed.state.at(-1)?.status, 'Issued');
  t.equal(renewed.renewed_from, record.cert_unique_id);
  t.ok(certificateMatchesKey(renewed.leaf_certificate, record.private_key), 'SCM renewed with the original CSR and key');
  t.ok(reads.every((r) => r.warnings.some((w) => w.includes('renewed'))), 'each reader is told');

  const old = await lc().records.require('web', record.cert_unique_id);
  t.equal(old.renewed_to, renewed.cert_unique_id);
  t.equal(old.state.at(-1)?.status, 'Renewed');

  const again = await readWithAutoRenew(lc(), 'web', record.cert_unique_id, fast);
  t.equal(again.record.cert_unique_id, renewed.cert_unique_id, 'the old id reads the newest certificate');
  t.match(again.warnings.join(' '), /returning the newest certificate/);
  t.equal((await h.sim.controls.counters()).renewById, 1, 'still one renewal');
});

t.test('auto-renew off: an expiring certificate is returned with a warning, not renewed', async (t) => {
  const { record } = await enrollCertificate(lc(), 'web', { sectigo_csr_domain: 'norenew.example.com', ...fast });
  await h.sim.controls.resetCounters();
  const { record: read, warnings } = await readWithAutoRenew(lc(), 'web', record.cert_unique_id, { sectigo_expiry_window: 364 });
  t.equal(read.cert_unique_id, record.cert_unique_id);
  t.match(warnings.join(' '), /sectigo_auto_renew is false/);
  t.equal((await h.sim.controls.counters()).renewById ?? 0, 0);
  const forced = await readWithAutoRenew(lc(), 'web', record.cert_unique_id, { sectigo_auto_renew: true, sectigo_expiry_window: 364, ...fast });
  t.not(forced.record.cert_unique_id, record.cert_unique_id, 'read parameters can switch auto-renew on');
});

t.test('manual renew with a new key sends a fresh CSR; the old record keeps the old key', async (t) => {
  const { record } = await enrollCertificate(lc(), 'web', { sectigo_csr_domain: 'newkey.example.com', sectigo_csr_key_algo: 'EC', sectigo_csr_key_size: 'P384', ...fast });
  const { record: renewed } = await renewCertificate(lc(), 'web', record.cert_unique_id, { newKey: true, ...fast });
  t.not(renewed.private_key, record.private_key);
  t.ok(certificateMatchesKey(renewed.leaf_certificate, renewed.private_key));
  t.equal((await lc().records.require('web', record.cert_unique_id)).private_key, record.private_key);
});

t.test('client certificates renew by order number; a new key is refused', async (t) => {
  const { record } = await enrollCertificate(lc(), 'people', {
    sectigo_client_cert_first_name: 'Ann', sectigo_client_cert_last_name: 'Lee', sectigo_client_cert_email: 'ann@example.com', ...fast,
  });
  await t.rejects(renewCertificate(lc(), 'people', record.cert_unique_id, { newKey: true }), { name: 'UserError', message: /sectigo_renew_new_key/ });
  const { record: renewed } = await renewCertificate(lc(), 'people', record.cert_unique_id, fast);
  t.equal(renewed.state.at(-1)?.status, 'Issued');
  t.equal(renewed.renewed_from, record.cert_unique_id);
  t.ok(certificateMatchesKey(renewed.leaf_certificate, record.private_key));
});

t.test('the background renewer renews records nobody reads', async (t) => {
  const { record } = await enrollCertificate(lc(), 'web', { sectigo_csr_domain: 'bg.example.com', sectigo_auto_renew: true, sectigo_expiry_window: 364, ...fast });
  await h.running.renewer.runOnce();
  const old = await lc().records.require('web', record.cert_unique_id);
  t.ok(old.renewed_to, 'renewed');
  await sleep(300);
  await h.running.collector.runOnce();
  const renewed = await lc().records.require('web', old.renewed_to as string);
  t.equal(renewed.state.at(-1)?.status, 'Issued', 'the collector finished the new record');
});
