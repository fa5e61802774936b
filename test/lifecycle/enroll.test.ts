import { t } from '../helpers/suite.js';
import { readFile } from 'node:fs/promises';
import { certificateMatchesKey, parseCertificate } from '../../src/pki/index.js';
import { enrollCertificate } from '../../src/lifecycle/enroll.js';
import { readWithAutoRenew } from '../../src/lifecycle/read-with-auto-renew.js';
import { ScmError } from '../../src/scm/index.js';
import { startHarness } from '../helpers/lifecycle-harness.js';
import { sleep } from '../helpers/wait-for.js';
import { opensslVerify } from '../helpers/openssl-verify.js';

const h = await startHarness({ issueDelayMs: 300 });
t.teardown(() => h.close());
const lc = () => h.running.lifecycle;

for (const [config, algo, size] of [
  ['web', 'RSA', '2048'],
  ['web', 'EC', 'P256'],
  ['people', 'RSA', 2048],
  ['people', 'ECDSA', 'P-384'],
] as const) {
  t.test(`enroll ${config} ${algo} ${size}: issued, verifies against the SCM chain, matches the returned key`, async (t) => {
    const data =
      config === 'web'
        ? { sectigo_csr_domain: `${algo.toLowerCase()}.example.com`, sectigo_ssl_cert_subject_alt_names: 'www.example.com, api.example.com' }
        : { sectigo_client_cert_first_name: 'Jane', sectigo_client_cert_last_name: 'Doe', sectigo_client_cert_email: 'jane@example.com' };
    const { record, warnings } = await enrollCertificate(lc(), config, { ...data, sectigo_csr_key_algo: algo, sectigo_csr_key_size: size });
    t.same(record.state.map((s) => s.status), ['Applied', 'Issued']);
    t.same(warnings, []);
    t.ok(certificateMatchesKey(record.leaf_certificate, record.private_key), 'certificate belongs to the returned key');
    t.match((await opensslVerify(h.sim.caChainPem, record.leaf_certificate)).output, /: OK$/);
    t.equal(record.ca_chain.length >= 1, true, 'chain stored');
    t.equal(parseCertificate(record.leaf_certificate).serialNumber, record.serial_number);
    t.equal(record.cert_unique_id, `${record.ssl_id ?? record.order_number}_demo`);
    t.equal(record.certificate_type, config === 'web' ? 'ssl_cert' : 'client_cert');
    if (config === 'web') {
      const sans = parseCertificate(record.leaf_certificate).subjectAltNames;
      t.ok(sans.includes('api.example.com') && sans.includes('www.example.com'), 'requested SANs are in the certificate');
    }
    const stored = await lc().records.get(config, record.cert_unique_id);
    t.same(stored, record, 'the response is the stored record');
  });
}

t.test('the shipped sample JSON files enroll as they are', async (t) => {
  for (const [config, file] of [['web', 'ssl_cert/ssl_cert.json'], ['people', 'client_cert/client_cert.json']]) {
    const sample = JSON.parse(await readFile(new URL(`../../sample_json_data/${file}`, import.meta.url), 'utf8'));
    const { record } = await enrollCertificate(lc(), config, { ...sample, sectigo_loop_period: 0.1 });
    t.equal(record.state.at(-1)?.status, 'Issued', file);
    t.equal(record.auto_renew, true);
    if (config === 'web') t.equal(record.ssl_format, 'X509', 'format kept as the caller spelled it');
  }
});

t.test('a caller-supplied key that does not match the CSR is a 400 and orders nothing', async (t) => {
  const { record: a } = await enrollCertificate(lc(), 'web', { sectigo_csr_domain: 'a.example.com' });
  const { record: b } = await enrollCertificate(lc(), 'web', { sectigo_csr_domain: 'b.example.com' });
  await h.sim.controls.resetCounters();
  await t.rejects(enrollCertificate(lc(), 'web', { sectigo_csr: a.csr, sectigo_private_key: b.private_key }), {
    name: 'UserError',
    message: /sectigo_private_key: does not match/,
  });
  t.equal((await h.sim.controls.counters()).enroll ?? 0, 0);
});

t.test('a caller-supplied CSR and key are used as given', async (t) => {
  const { record: first } = await enrollCertificate(lc(), 'web', { sectigo_csr_domain: 'own.example.com' });
  const { record } = await enrollCertificate(lc(), 'web', { sectigo_csr: first.csr, sectigo_private_key: first.private_key });
  t.equal(record.private_key, first.private_key);
  t.equal(record.domain, 'own.example.com');
  t.ok(certificateMatchesKey(record.leaf_certificate, first.private_key));
});

t.test('SCM refusing the order passes its code through and stores nothing', async (t) => {
  const before = await lc().records.list('web');
  const err = await enrollCertificate(lc(), 'web', { sectigo_csr_domain: 'x.example.com', sectigo_ssl_cert_validity: 999 }).catch((e) => e);
  t.ok(err instanceof ScmError);
  t.equal(err.code, -36);
  t.same(await lc().records.list('web'), before);
});

t.test('a stored profile refuses a term it does not offer before SCM is called', async (t) => {
  await lc().profiles.put('web', { id: 2001, terms: [365], keyTypes: { RSA: ['2048'] } });
  t.teardown(() => lc().profiles.delete('web', 2001));
  await h.sim.controls.resetCounters();
  await t.rejects(enrollCertificate(lc(), 'web', { sectigo_csr_domain: 'p.example.com', sectigo_ssl_cert_validity: 730 }), {
    name: 'UserError',
    message: /sectigo_ssl_cert_validity: 730 days is not a term of profile 2001/,
  });
  await t.rejects(enrollCertificate(lc(), 'web', { sectigo_csr_domain: 'p.example.com', sectigo_csr_key_algo: 'EC', sectigo_csr_key_size: 'P256' }), {
    name: 'UserError',
    message: /sectigo_csr_key_size: EC P-256 is not allowed by profile 2001/,
  });
  t.equal((await h.sim.controls.counters()).enroll ?? 0, 0);
});

t.test('max_timeout shorter than issuance: TimedoutStateSaved, then a read collects with the same key and one order', async (t) => {
  await h.sim.controls.updateSettings({ issueDelayMs: 1500 });
  t.teardown(() => h.sim.controls.updateSettings({ issueDelayMs: 300 }));
  await h.sim.controls.resetCounters();
  const { record, warnings } = await enrollCertificate(lc(), 'web', { sectigo_csr_domain: 'slow.example.com', sectigo_max_timeout: 0.3 });
  t.equal(record.state.at(-1)?.status, 'TimedoutStateSaved');
  t.match(warnings.join(' '), /not issued the certificate yet.*certs\/web\//);
  t.equal(record.certificate, '');
  await sleep(1500);
  const read = await readWithAutoRenew(lc(), 'web', record.cert_unique_id, { sectigo_loop_period: 0.1 });
  t.same(read.record.state.map((s) => s.status), ['Applied', 'TimedoutStateSaved', 'Issued']);
  t.equal(read.record.private_key, record.private_key, 'same private key');
  t.ok(certificateMatchesKey(read.record.leaf_certificate, record.private_key));
  t.equal((await h.sim.controls.counters()).enroll, 1, 'exactly one SCM order');
});

t.test('SCM error while collecting: ErrorCode with SCM code and description, and a warning', async (t) => {
  await h.sim.controls.addFault({ kind: 'error', endpoint: 'collect', status: 400, code: -110, description: 'Certificate has been revoked and cannot be downloaded.', count: 1 });
  t.teardown(() => h.sim.controls.clearFaults());
  const { record, warnings } = await enrollCertificate(lc(), 'web', { sectigo_csr_domain: 'err.example.com' });
  const last = record.state.at(-1);
  t.equal(last?.status, 'ErrorCode');
  t.equal(last?.code, -110);
  t.equal(last?.description, 'Certificate has been revoked and cannot be downloaded.');
  t.same(record.last_error, { code: -110, description: 'Certificate has been revoked and cannot be downloaded.' });
  t.match(warnings.join(' '), /SCM error -110 while collecting/);
  // The documented remedy: fix it at SCM, read again.
  const read = await readWithAutoRenew(lc(), 'web', record.cert_unique_id, { sectigo_loop_period: 0.1 });
  t.equal(read.record.state.at(-1)?.status, 'Issued');
  t.equal(read.record.last_error, null);
});
