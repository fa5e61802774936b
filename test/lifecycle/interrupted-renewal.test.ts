import { t } from '../helpers/suite.js';
import { certificateMatchesKey } from '../../src/pki/index.js';
import { enrollCertificate } from '../../src/lifecycle/enroll.js';
import { renewCertificate } from '../../src/lifecycle/renew.js';
import type { LifecycleSettings } from '../../src/server/services.js';
import type { CertificateRecord } from '../../src/lifecycle/record.js';
import { crashWhileScmAnswers, startHarness } from '../helpers/lifecycle-harness.js';
import { waitFor } from '../helpers/wait-for.js';
import { opensslVerify } from '../helpers/openssl-verify.js';

const h = await startHarness({ issueDelayMs: 200 });
t.teardown(() => h.close());
const lc = () => h.running.lifecycle;
const fast = { sectigo_loop_period: 0.1 };
const idle: LifecycleSettings = { collector: { enabled: false }, renewer: { enabled: false } };
const finishing: LifecycleSettings = {
  orderGraceMs: 0,
  collector: { enabled: true, intervalMs: 200 },
  renewer: { enabled: true, intervalMs: 200, syncIntervalMs: 0 },
};

t.afterEach(async () => {
  await h.sim.controls.clearFaults();
  await h.restart();
});

async function issuedSuccessor(config: string, id: string): Promise<CertificateRecord | undefined> {
  const old = await lc().records.require(config, id);
  if (!old.renewed_to) return undefined;
  const next = await lc().records.require(config, old.renewed_to);
  return next.state.at(-1)?.status === 'Issued' ? next : undefined;
}

async function sslOrdersFor(commonName: string): Promise<number> {
  return (await (await h.scmClient('web')).listSsl({ commonName })).items.length;
}

t.test('ssl_cert, new key: SCM renewed but the answer was lost; the new order is adopted with the stored key, not ordered again', async (t) => {
  const { record } = await enrollCertificate(lc(), 'web', { sectigo_csr_domain: 'renew-crash.example.com', ...fast });
  await crashWhileScmAnswers(h, 'renewById', () => renewCertificate(lc(), 'web', record.cert_unique_id, { newKey: true }), idle);

  const stranded = await lc().records.require('web', record.cert_unique_id);
  t.equal(stranded.state.at(-1)?.status, 'Issued', 'the old certificate is still the record\'s');
  t.equal(stranded.private_key, record.private_key);
  t.ok(stranded.pending_renewal, 'the new key survived the crash');
  t.not(stranded.pending_renewal?.private_key, record.private_key);
  t.equal(stranded.renewed_to, null);

  // Not due and not auto-renew: the renewer still finishes a renewal that was asked for.
  await h.restart(finishing);
  const renewed = await waitFor('the renewal to be recovered and issued', () => issuedSuccessor('web', record.cert_unique_id));
  t.match(renewed.state[0], { status: 'Applied', description: /recovered after an interrupted renewal/ });
  t.equal(renewed.private_key, stranded.pending_renewal?.private_key, 'the stored key');
  t.ok(certificateMatchesKey(renewed.leaf_certificate, renewed.private_key), 'SCM\'s certificate belongs to it');
  t.match((await opensslVerify(h.sim.caChainPem, renewed.leaf_certificate)).output, /: OK$/);
  const old = await lc().records.require('web', record.cert_unique_id);
  t.equal(old.state.at(-1)?.status, 'Renewed');
  t.equal(old.pending_renewal, undefined, 'pending_renewal goes with the renewal');
  t.equal((await h.sim.controls.counters()).renewById, 1, 'one renewal call at SCM: the one whose answer was lost');
  t.equal(await sslOrdersFor('renew-crash.example.com'), 2, 'SCM holds the original and one renewal');
});

t.test('client_cert: a renewal SCM placed before the crash is found by e-mail and adopted', async (t) => {
  const { record } = await enrollCertificate(lc(), 'people', {
    sectigo_client_cert_first_name: 'Rene',
    sectigo_client_cert_last_name: 'Wal',
    sectigo_client_cert_email: 'rene.wal@example.com',
    ...fast,
  });
  await crashWhileScmAnswers(h, 'smime.renew', () => renewCertificate(lc(), 'people', record.cert_unique_id), idle);
  t.ok((await lc().records.require('people', record.cert_unique_id)).pending_renewal);
  await h.restart(finishing);
  const renewed = await waitFor('the renewal to be recovered and issued', () => issuedSuccessor('people', record.cert_unique_id));
  t.ok(certificateMatchesKey(renewed.leaf_certificate, record.private_key), 'SCM renewed with the original request\'s key');
  t.equal((await h.sim.controls.counters())['smime.renew'], 1, 'one renewal call at SCM: the one whose answer was lost');
  const orders = await (await h.scmClient('people')).listSmime({ email: 'rene.wal@example.com' });
  t.equal(orders.length, 2);
});

t.test('an answer lost before SCM renewed: no order until the grace period ends, then one with the stored key', async (t) => {
  const { record } = await enrollCertificate(lc(), 'web', { sectigo_csr_domain: 'renew-lost.example.com', ...fast });
  await h.sim.controls.addFault({ kind: 'error', endpoint: 'renewById', status: 503, count: 1 });
  await t.rejects(renewCertificate(lc(), 'web', record.cert_unique_id, { newKey: true }), { name: 'ScmError', httpStatus: 503 });
  const stranded = await lc().records.require('web', record.cert_unique_id);
  t.ok(stranded.pending_renewal, 'an unknown outcome keeps the key');

  await t.rejects(renewCertificate(lc(), 'web', record.cert_unique_id, { newKey: true }), { name: 'ConflictError', message: /no answer from SCM yet; retry after/ });
  t.equal(await sslOrdersFor('renew-lost.example.com'), 1, 'nothing ordered within the grace period');

  await h.restart({ ...idle, orderGraceMs: 0 });
  await h.sim.controls.addFault({ kind: 'error', endpoint: 'renewById', status: 503, count: 1 });
  await t.rejects(renewCertificate(lc(), 'web', record.cert_unique_id, { newKey: true }), { name: 'ScmError', httpStatus: 503 });
  const again = (await lc().records.require('web', record.cert_unique_id)).pending_renewal;
  t.equal(again?.private_key, stranded.pending_renewal?.private_key, 'a second lost answer keeps the first attempt\'s key');
  t.ok(Date.parse(again?.requested_at ?? '') > Date.parse(stranded.pending_renewal?.requested_at ?? ''), 'and the grace period counts from the latest attempt');

  const { record: renewed } = await renewCertificate(lc(), 'web', record.cert_unique_id, { newKey: true, ...fast });
  t.equal(renewed.state.at(-1)?.status, 'Issued');
  t.equal(renewed.private_key, stranded.pending_renewal?.private_key, 'the retry sent the stored key');
  t.ok(certificateMatchesKey(renewed.leaf_certificate, renewed.private_key));
  t.equal(await sslOrdersFor('renew-lost.example.com'), 2, 'one renewal');
});

t.test('SCM refusing a renewal drops the pending key', async (t) => {
  const { record } = await enrollCertificate(lc(), 'web', { sectigo_csr_domain: 'renew-refused.example.com', ...fast });
  await h.sim.controls.addFault({ kind: 'error', endpoint: 'renewById', status: 400, code: -180, description: "This SSL Certificate Profile doesn't allow renew", count: 1 });
  await t.rejects(renewCertificate(lc(), 'web', record.cert_unique_id, { newKey: true }), { name: 'UserError', message: /-180/ });
  const after = await lc().records.require('web', record.cert_unique_id);
  t.equal(after.pending_renewal, undefined);
  t.equal(after.state.at(-1)?.status, 'Issued');
});
