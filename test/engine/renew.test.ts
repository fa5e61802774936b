import { t } from '../helpers/suite.js';
import { buildCsr, certificateMatchesKey, generateKeyPair, parseCertificate } from '../../src/pki/index.js';
import { FAST, clientEnroll, enrollIssued, setUpWithConfigs, sslEnroll } from '../helpers/engine-fixture.js';

t.test('renew through the engine', async (t) => {
  const setup = await setUpWithConfigs(t);

  t.test('a renewed SSL record keeps its line\'s renew_id; the enrolled one has SCM\'s', async (t) => {
    const issued = await enrollIssued(setup, 'web', sslEnroll('renew-id.example.com'));
    t.match(issued.renew_id, /^\S{10,}$/, 'enroll stores the renewId SCM answered');
    const reply = await setup.call('POST', `renew/web/${issued.cert_unique_id}`, FAST);
    t.equal(reply.status, 200, JSON.stringify(reply.body));
    t.not(reply.body.data.cert_unique_id, issued.cert_unique_id);
    t.equal(reply.body.data.renew_id, issued.renew_id, 'renewById answers no renewId, so the line\'s is kept');
  });

  t.test('client records carry the backendCertId SCM renews them by', async (t) => {
    const issued = await enrollIssued(setup, 'people', clientEnroll('renew-id@example.com'));
    t.equal(issued.renew_id, issued.backend_cert_id);
    const reply = await setup.call('POST', `renew/people/${issued.cert_unique_id}`, FAST);
    t.equal(reply.status, 200, JSON.stringify(reply.body));
    t.equal(reply.body.data.renew_id, reply.body.data.backend_cert_id);
    t.not(reply.body.data.renew_id, issued.renew_id);
  });

  t.test('concurrent renewals of one record share one renewal, but each caller\'s bad input is answered to that caller', async (t) => {
    const issued = await enrollIssued(setup, 'web', sslEnroll('renew-shared.example.com'));
    await setup.sim.controls.resetCounters();
    const path = `renew/web/${issued.cert_unique_id}`;
    const [good, again, junkKey, junkCsr] = await Promise.all([
      setup.call('POST', path, FAST),
      setup.call('POST', path, FAST),
      setup.call('POST', path, { sectigo_private_key: '/etc/ssl/private/key.pem', ...FAST }),
      setup.call('POST', path, { sectigo_csr: 'not a CSR', ...FAST }),
    ]);
    t.equal(good.status, 200, JSON.stringify(good.body));
    t.equal(again.status, 200, JSON.stringify(again.body));
    t.equal(again.body.data.cert_unique_id, good.body.data.cert_unique_id, 'the two plain renewals got the same new record');
    t.equal(junkKey.status, 400);
    t.match(junkKey.body.errors[0], /^sectigo_private_key: /);
    t.equal(junkCsr.status, 400);
    t.match(junkCsr.body.errors[0], /^sectigo_csr: /);
    t.equal((await setup.sim.controls.counters()).renewById, 1, 'one renewal at SCM');
  });

  t.test('an SSL renewal with the caller\'s CSR and key sends that CSR and stores that key', async (t) => {
    const issued = await enrollIssued(setup, 'web', sslEnroll('renew-own-csr.example.com'));
    const own = await generateKeyPair({ algorithm: 'EC', curve: 'P-256' });
    const csr = await buildCsr({ subject: { commonName: 'renew-own-csr.example.com' }, privateKeyPem: own.privateKeyPem });
    await setup.sim.controls.resetCounters();
    const reply = await setup.call('POST', `renew/web/${issued.cert_unique_id}`, { sectigo_csr: csr, sectigo_private_key: own.privateKeyPem, ...FAST });
    t.equal(reply.status, 200, JSON.stringify(reply.body));
    const renewed = reply.body.data;
    t.equal(renewed.state.at(-1).status, 'Issued');
    t.equal(renewed.csr.trim(), csr.trim());
    t.equal(renewed.private_key, own.privateKeyPem);
    t.ok(certificateMatchesKey(renewed.leaf_certificate, own.privateKeyPem), 'SCM issued for the caller\'s key');
    t.notOk(certificateMatchesKey(renewed.leaf_certificate, issued.private_key), 'not for the old one');
    t.equal((await setup.sim.controls.counters()).renewById, 1);
  });

  t.test('an SSL renewal with only the caller\'s key gets a CSR with the old subject for that key', async (t) => {
    const issued = await enrollIssued(setup, 'web', sslEnroll('renew-own-key.example.com'));
    const own = await generateKeyPair({ algorithm: 'RSA', bits: 2048 });
    const reply = await setup.call('POST', `renew/web/${issued.cert_unique_id}`, { sectigo_private_key: own.privateKeyPem, ...FAST });
    t.equal(reply.status, 200, JSON.stringify(reply.body));
    t.equal(reply.body.data.private_key, own.privateKeyPem);
    t.ok(certificateMatchesKey(reply.body.data.leaf_certificate, own.privateKeyPem));
    t.equal(parseCertificate(reply.body.data.leaf_certificate).commonName, 'renew-own-key.example.com');
  });

  t.test('an SSL renewal with only the caller\'s CSR stores no key', async (t) => {
    const issued = await enrollIssued(setup, 'web', sslEnroll('renew-csr-only.example.com'));
    const own = await generateKeyPair({ algorithm: 'EC', curve: 'P-384' });
    const csr = await buildCsr({ subject: { commonName: 'renew-csr-only.example.com' }, privateKeyPem: own.privateKeyPem });
    const reply = await setup.call('POST', `renew/web/${issued.cert_unique_id}`, { sectigo_csr: csr, ...FAST });
    t.equal(reply.status, 200, JSON.stringify(reply.body));
    t.equal(reply.body.data.private_key, '');
    t.ok(certificateMatchesKey(reply.body.data.leaf_certificate, own.privateKeyPem));
  });

  t.test('while an earlier renewal\'s answer is lost, another key is a 409 and the stored one is kept', async (t) => {
    const issued = await enrollIssued(setup, 'web', sslEnroll('renew-unsettled.example.com'));
    const first = await generateKeyPair({ algorithm: 'EC', curve: 'P-256' });
    const second = await generateKeyPair({ algorithm: 'EC', curve: 'P-256' });
    await setup.sim.controls.addFault({ kind: 'error', endpoint: 'renewById', status: 500, count: 1 });
    const lost = await setup.call('POST', `renew/web/${issued.cert_unique_id}`, { sectigo_private_key: first.privateKeyPem, ...FAST });
    t.ok(lost.status >= 500, 'SCM\'s answer was lost');
    const stored = (await setup.call('GET', `readcert/web/${issued.cert_unique_id}`)).body.data.pending_renewal;
    t.equal(stored?.private_key, first.privateKeyPem, 'the key sent is stored, write-ahead');

    const other = await setup.call('POST', `renew/web/${issued.cert_unique_id}`, { sectigo_private_key: second.privateKeyPem });
    t.equal(other.status, 409);
    t.match(other.body.errors[0], /an earlier renewal of .* with another key is unsettled/);
    t.same((await setup.call('GET', `readcert/web/${issued.cert_unique_id}`)).body.data.pending_renewal, stored, 'still the first key');
  });

  t.test('a caller\'s CSR or key that cannot be used is a 400 and SCM is never asked', async (t) => {
    const ssl = await enrollIssued(setup, 'web', sslEnroll('renew-refused.example.com'));
    const client = await enrollIssued(setup, 'people', clientEnroll('renew-refused@example.com'));
    const own = await generateKeyPair({ algorithm: 'EC', curve: 'P-256' });
    const other = await generateKeyPair({ algorithm: 'EC', curve: 'P-256' });
    const csr = await buildCsr({ subject: { commonName: 'renew-refused.example.com' }, privateKeyPem: own.privateKeyPem });
    await setup.sim.controls.resetCounters();

    const mismatched = await setup.call('POST', `renew/web/${ssl.cert_unique_id}`, { sectigo_csr: csr, sectigo_private_key: other.privateKeyPem });
    t.equal(mismatched.status, 400);
    t.match(mismatched.body.errors[0], /sectigo_private_key: does not match/);

    const both = await setup.call('POST', `renew/web/${ssl.cert_unique_id}`, { sectigo_csr: csr, sectigo_renew_new_key: true });
    t.equal(both.status, 400);
    t.match(both.body.errors[0], /sectigo_renew_new_key: .*sectigo_csr/);

    const forClient = await setup.call('POST', `renew/people/${client.cert_unique_id}`, { sectigo_private_key: own.privateKeyPem });
    t.equal(forClient.status, 400);
    t.match(forClient.body.errors[0], new RegExp(`sectigo_csr, sectigo_private_key: SCM renews client certificates .*replace/people/${client.cert_unique_id}`));

    t.same(await setup.sim.controls.counters(), {}, 'SCM never asked');
    t.notOk((await setup.call('GET', `readcert/web/${ssl.cert_unique_id}`)).body.data.pending_renewal, 'nothing half-written');
  });
});
