import { t } from '../helpers/suite.js';
import { buildCsr, certificateMatchesKey, generateKeyPair } from '../../src/pki/index.js';
import { FAST, enrollIssued, setUpWithConfigs, sslEnroll, statuses, type Setup } from '../helpers/engine-fixture.js';
import { scmBehindTheBack } from '../helpers/scm-connection.js';

/** Orders straight at the simulator, behind scmpki's back, as another SCM user would. */
async function orderElsewhere(setup: Setup, type: 'ssl' | 'smime', curve: 'P-256' | undefined = undefined) {
  const key = await generateKeyPair(curve ? { algorithm: 'EC', curve } : { algorithm: 'RSA', bits: 2048 });
  const client = scmBehindTheBack(setup.sim);
  try {
    if (type === 'ssl') {
      const csr = await buildCsr({ subject: { commonName: 'elsewhere.example.com' }, privateKeyPem: key.privateKeyPem });
      const { sslId } = await client.enrollSsl({ orgId: setup.sim.orgId, csr, certType: 2001, term: 365 });
      return { id: `${sslId}_demo`, key: key.privateKeyPem };
    }
    const csr = await buildCsr({ subject: { commonName: 'Jo Doe' }, subjectAltNames: ['jo@example.com'], privateKeyPem: key.privateKeyPem });
    const { orderNumber } = await client.enrollSmime({
      orgId: setup.sim.orgId, csr, certType: 3001, term: 365, email: 'jo@example.com', firstName: 'Jo', lastName: 'Doe',
    });
    return { id: `${orderNumber}_demo`, key: key.privateKeyPem };
  } finally {
    client.close();
  }
}

t.test('fetch', async (t) => {
  const setup = await setUpWithConfigs(t);

  t.test('an id already stored is a plain read: no SCM call for an issued record', async (t) => {
    const issued = await enrollIssued(setup, 'web', sslEnroll('fetch-known.example.com'));
    await setup.sim.controls.resetCounters();
    const reply = await setup.call('POST', `fetch/web/${issued.cert_unique_id}`, {});
    t.equal(reply.status, 200);
    t.same(reply.body.data, issued);
    t.same(await setup.sim.controls.counters(), {});
  });

  t.test('an SSL certificate SCM holds is imported without a key', async (t) => {
    const { id } = await orderElsewhere(setup, 'ssl');
    await setup.sim.controls.resetCounters();
    const reply = await setup.call('POST', `fetch/web/${id}`, { sectigo_ssl_cert_format_type: 'pem', ...FAST });
    t.equal(reply.status, 200, JSON.stringify(reply.body));
    const record = reply.body.data;
    t.equal(record.cert_unique_id, id);
    t.equal(record.private_key, '', 'SCM does not hold keys');
    t.equal(record.domain, 'elsewhere.example.com');
    t.ok(Object.hasOwn(record, 'renew_id'), 'renew_id is shown');
    t.equal(record.renew_id, null, 'SCM\'s details name no renewId for an order placed elsewhere');
    t.equal(record.state.at(-1).status, 'Issued');
    t.match(await setup.verify(record.leaf_certificate), /OK$/);
    const counters = await setup.sim.controls.counters();
    t.equal(counters.details, 1);
    t.ok(counters.collect >= 1);
    t.notOk(counters.enroll, 'nothing ordered');
    t.equal((await setup.call('GET', `readcert/web/${id}`)).status, 200, 'stored');
  });

  t.test('a client certificate is imported with its key when the key matches', async (t) => {
    const { id, key } = await orderElsewhere(setup, 'smime', 'P-256');
    const reply = await setup.call('POST', `fetch/people/${id}`, { sectigo_private_key: key, ...FAST });
    t.equal(reply.status, 200, JSON.stringify(reply.body));
    const record = reply.body.data;
    t.equal(record.private_key, key);
    t.equal(record.domain, 'jo@example.com');
    t.equal(record.renew_id, record.backend_cert_id, 'the backendCertId SCM renews it by');
    t.ok(certificateMatchesKey(record.leaf_certificate, key));
    t.match(await setup.verify(record.leaf_certificate), /OK$/);
  });

  t.test('a key that does not belong to the certificate is refused and nothing is stored', async (t) => {
    const { id } = await orderElsewhere(setup, 'ssl');
    await new Promise((resolve) => setTimeout(resolve, 400)); // issued, so the key check happens at once
    const stranger = await generateKeyPair({ algorithm: 'RSA', bits: 2048 });
    const reply = await setup.call('POST', `fetch/web/${id}`, { sectigo_private_key: stranger.privateKeyPem, ...FAST });
    t.equal(reply.status, 400);
    t.match(reply.body.errors[0], /sectigo_private_key: does not match the certificate SCM holds/);
    t.equal((await setup.call('GET', `readcert/web/${id}`)).status, 404);
  });

  t.test('ids that are malformed, of another customer, or unknown to SCM are 4xx and store nothing', async (t) => {
    const malformed = await setup.call('POST', 'fetch/web/not-an-id', {});
    t.equal(malformed.status, 400);
    t.match(malformed.body.errors[0], /id: "not-an-id" is not <ssl_id/);

    const otherCustomer = await setup.call('POST', 'fetch/web/12_murray', {});
    t.equal(otherCustomer.status, 400);
    t.match(otherCustomer.body.errors[0], /customer URI "murray" does not match .*"demo"/);

    const unknown = await setup.call('POST', 'fetch/web/987654_demo', FAST);
    t.ok(unknown.status === 400 || unknown.status === 404, `status ${unknown.status}`);
    t.match(unknown.body.errors[0], /SCM error -124/);
    t.equal((await setup.call('GET', 'readcert/web/987654_demo')).status, 404);

    const unknownClient = await setup.call('POST', 'fetch/people/987654_demo', FAST);
    t.equal(unknownClient.status, 400);
    t.match(unknownClient.body.errors[0], /SCM error/);
    t.equal((await setup.call('GET', 'readcert/people/987654_demo')).status, 404);
  });

  t.test('a certificate SCM has not issued yet is stored Applied and collected', async (t) => {
    await setup.sim.controls.updateSettings({ issueDelayMs: 600 });
    t.teardown(() => setup.sim.controls.updateSettings({ issueDelayMs: 200 }));
    const { id } = await orderElsewhere(setup, 'ssl');
    const reply = await setup.call('POST', `fetch/web/${id}`, FAST);
    t.equal(reply.status, 200, JSON.stringify(reply.body));
    t.same(statuses(reply.body.data), ['Applied', 'Issued']);
  });
});
