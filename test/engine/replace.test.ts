import { t } from '../helpers/suite.js';
import { buildCsr, certificateMatchesKey, generateKeyPair, parseCertificate } from '../../src/pki/index.js';
import { FAST, clientEnroll, enrollIssued, setUpWithConfigs, sslEnroll, statuses } from '../helpers/engine-fixture.js';

t.test('replace', async (t) => {
  const setup = await setUpWithConfigs(t);

  t.test('an SSL certificate is re-issued under the same id for a new RSA key', async (t) => {
    const issued = await enrollIssued(setup, 'web', sslEnroll('replace-rsa.example.com'));
    await setup.sim.controls.resetCounters();

    const reply = await setup.call('POST', `replace/web/${issued.cert_unique_id}`, {
      sectigo_replace_reason: 'key rotation',
      sectigo_ssl_cert_subject_alt_names: 'replace-rsa.example.com,www.replace-rsa.example.com',
      ...FAST,
    });
    t.equal(reply.status, 200, JSON.stringify(reply.body));
    const record = reply.body.data;
    t.equal(record.cert_unique_id, issued.cert_unique_id);
    t.equal(record.ssl_id, issued.ssl_id, 'same SCM id');
    t.same(statuses(record), ['Applied', 'Issued', 'Replaced', 'Issued']);
    t.not(record.private_key, issued.private_key, 'a new key');
    t.not(record.serial_number, issued.serial_number, 'a new certificate');
    t.notOk(record.pending_replacement, 'the pending key became the record\'s');
    t.ok(certificateMatchesKey(record.leaf_certificate, record.private_key), 'certificate matches the returned key');
    t.match(await setup.verify(record.leaf_certificate), /OK$/);
    t.same([...parseCertificate(record.leaf_certificate).subjectAltNames].sort(), ['replace-rsa.example.com', 'www.replace-rsa.example.com']);
    const counters = await setup.sim.controls.counters();
    t.equal(counters.replace, 1);
    t.notOk(counters.enroll, 'no new order');
  });

  t.test('a client certificate is replaced by order with a new EC key', async (t) => {
    const issued = await enrollIssued(setup, 'people', clientEnroll('replace@example.com', { algo: 'EC', size: 'P-256' }));
    await setup.sim.controls.resetCounters();
    const reply = await setup.call('POST', `replace/people/${issued.cert_unique_id}`, FAST);
    t.equal(reply.status, 200, JSON.stringify(reply.body));
    const record = reply.body.data;
    t.equal(record.state.at(-1).status, 'Issued');
    t.equal(record.order_number, issued.order_number);
    t.not(record.private_key, issued.private_key);
    t.match(record.private_key, /BEGIN PRIVATE KEY/);
    t.ok(certificateMatchesKey(record.leaf_certificate, record.private_key));
    t.match(await setup.verify(record.leaf_certificate), /OK$/);
    t.equal((await setup.sim.controls.counters())['smime.replace'], 1);
  });

  t.test('the caller\'s CSR and key are used when they match, refused when they do not', async (t) => {
    const issued = await enrollIssued(setup, 'web', sslEnroll('replace-own.example.com', { algo: 'EC', size: 'P-384' }));
    const own = await generateKeyPair({ algorithm: 'EC', curve: 'P-256' });
    const other = await generateKeyPair({ algorithm: 'EC', curve: 'P-256' });
    const csr = await buildCsr({ subject: { commonName: 'replace-own.example.com' }, privateKeyPem: own.privateKeyPem });
    await setup.sim.controls.resetCounters();

    const mismatched = await setup.call('POST', `replace/web/${issued.cert_unique_id}`, { sectigo_csr: csr, sectigo_private_key: other.privateKeyPem });
    t.equal(mismatched.status, 400);
    t.match(mismatched.body.errors[0], /sectigo_private_key: does not match/);
    t.same(await setup.sim.controls.counters(), {}, 'SCM never asked');
    const untouched = await setup.call('GET', `readcert/web/${issued.cert_unique_id}`);
    t.notOk(untouched.body.data.pending_replacement, 'nothing half-written');

    const reply = await setup.call('POST', `replace/web/${issued.cert_unique_id}`, { sectigo_csr: csr, sectigo_private_key: own.privateKeyPem, ...FAST });
    t.equal(reply.status, 200, JSON.stringify(reply.body));
    t.equal(reply.body.data.private_key, own.privateKeyPem);
    t.ok(certificateMatchesKey(reply.body.data.leaf_certificate, own.privateKeyPem));
  });

  t.test('a replace with a new common name renames the record and its LIST summary', async (t) => {
    const issued = await enrollIssued(setup, 'web', sslEnroll('replace-old-name.example.com'));
    const reply = await setup.call('POST', `replace/web/${issued.cert_unique_id}`, {
      sectigo_ssl_cert_common_name: 'replace-new-name.example.com',
      ...FAST,
    });
    t.equal(reply.status, 200, JSON.stringify(reply.body));
    t.equal(parseCertificate(reply.body.data.leaf_certificate).commonName, 'replace-new-name.example.com');
    t.equal(reply.body.data.domain, 'replace-new-name.example.com', 'record');
    t.equal((await setup.call('GET', `readcert/web/${issued.cert_unique_id}`)).body.data.domain, 'replace-new-name.example.com', 'stored');
    const list = await setup.call('LIST', 'certs/web');
    t.equal(list.body.data.key_info[issued.cert_unique_id].domain, 'replace-new-name.example.com', 'LIST key_info');
  });

  t.test('a stored profile is checked when the type is given', async (t) => {
    const issued = await enrollIssued(setup, 'web', sslEnroll('replace-profile.example.com'));
    t.equal((await setup.call('POST', 'profile/web/2004', {})).status, 200, 'EC-only profile stored');
    await setup.sim.controls.resetCounters();
    const reply = await setup.call('POST', `replace/web/${issued.cert_unique_id}`, { sectigo_ssl_cert_type: 2004 });
    t.equal(reply.status, 400);
    t.match(reply.body.errors[0], /sectigo_csr_key_size: RSA.*profile 2004/);
    t.same(await setup.sim.controls.counters(), {});
  });

  t.test('when SCM\'s answer is lost the new key is kept, and the retry reuses it', async (t) => {
    const issued = await enrollIssued(setup, 'web', sslEnroll('replace-lost.example.com'));
    await setup.sim.controls.addFault({ kind: 'error', endpoint: 'replace', status: 500, count: 1 });
    const lost = await setup.call('POST', `replace/web/${issued.cert_unique_id}`, FAST);
    t.equal(lost.status, 502);
    const kept = (await setup.call('GET', `readcert/web/${issued.cert_unique_id}`)).body.data;
    t.match(kept.pending_replacement.private_key, /BEGIN PRIVATE KEY/, 'new key stored');
    t.equal(kept.private_key, issued.private_key, 'the record still holds the old, matching pair');
    t.equal(kept.leaf_certificate, issued.leaf_certificate);
    t.same(statuses(kept), ['Applied', 'Issued']);

    const retried = await setup.call('POST', `replace/web/${issued.cert_unique_id}`, FAST);
    t.equal(retried.status, 200, JSON.stringify(retried.body));
    t.equal(retried.body.data.private_key, kept.pending_replacement.private_key, 'the stored key was reused');
    t.ok(certificateMatchesKey(retried.body.data.leaf_certificate, retried.body.data.private_key));
  });

  t.test('SCM refusing the replace leaves the record as it was', async (t) => {
    const issued = await enrollIssued(setup, 'web', sslEnroll('replace-revoked.example.com'));
    t.equal((await setup.call('POST', `revoke/web/${issued.cert_unique_id}`, {})).status, 200);
    const reply = await setup.call('POST', `replace/web/${issued.cert_unique_id}`, FAST);
    t.equal(reply.status, 400);
    t.match(reply.body.errors[0], /SCM error -130/);
    const stored = (await setup.call('GET', `readcert/web/${issued.cert_unique_id}`)).body.data;
    t.notOk(stored.pending_replacement);
    t.same(statuses(stored), ['Applied', 'Issued', 'Revoked']);
  });

  t.test('unknown records and client-only misuse are 4xx', async (t) => {
    t.equal((await setup.call('POST', 'replace/web/424242_demo', {})).status, 404);
    const issued = await enrollIssued(setup, 'people', clientEnroll('replace-sans@example.com'));
    const reply = await setup.call('POST', `replace/people/${issued.cert_unique_id}`, { sectigo_ssl_cert_common_name: 'x.example.com' });
    t.equal(reply.status, 400);
    t.match(reply.body.errors[0], /sectigo_ssl_cert_common_name.*only for ssl_cert/);
  });
});
