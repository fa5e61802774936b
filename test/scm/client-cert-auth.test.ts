/**
 * SCM's client-certificate login end to end: a CA made here issues the
 * simulator's TLS certificate and the API admins' certificates; scmpki logs
 * in with a config entry's certificate and key (auth type client_cert) and
 * enrolls. A certificate SCM does not know is refused with SCM's own code.
 */
import { t } from '../helpers/suite.js';
import { buildCsr, generateKeyPair, parseCertificate } from '../../src/pki/index.js';
import { createTestCa } from '../helpers/test-ca.js';
import { startTestSimulator } from '../helpers/test-simulator.js';
import { startTestServer } from '../helpers/server-fixture.js';
import { engineCaller } from '../helpers/vault-api.js';
import { SIMULATOR_LOGIN } from '../helpers/scm-connection.js';
import { FAST } from '../helpers/engine-fixture.js';
import { assertNotInDataDir } from '../helpers/data-dir-scan.js';

const ca = await createTestCa();
const otherCa = await createTestCa();

async function certificate(issuer: typeof ca, commonName: string, serialNumber: string, subjectAltNames: string[] = []) {
  const key = await generateKeyPair({ algorithm: 'EC', curve: 'P-256' });
  const csr = await buildCsr({ subject: { commonName }, subjectAltNames, privateKeyPem: key.privateKeyPem });
  return { certificatePem: await issuer.issue(csr, { serialNumber }), privateKeyPem: key.privateKeyPem };
}

const listener = await certificate(ca, 'scm.test', '0a01', ['127.0.0.1']);
const admin = await certificate(ca, 'api-admin', '0b0c0d');
const unknownAdmin = await certificate(ca, 'not-an-admin', '0e0f');
const stranger = await certificate(otherCa, 'api-admin', '0b0c0d');

const sim = await startTestSimulator(t, {
  issueDelayMs: 100,
  clientCertListener: {
    ...listener,
    clientCaPem: ca.intermediatePem + ca.rootPem,
    admins: [{ login: 'cert-admin', certificateSerialNumber: parseCertificate(admin.certificatePem).serialNumber }],
  },
});
const server = await startTestServer(t, { log_level: 'warn' });
const call = engineCaller(server.url, server.token);

const configFor = (client: { certificatePem: string; privateKeyPem: string }) => ({
  sectigo_config_type: 'ssl_cert',
  sectigo_cm_auth_type: 'client_cert',
  sectigo_cm_base_url: sim.privateUrl,
  sectigo_cm_uri: SIMULATOR_LOGIN.customerUri,
  sectigo_cm_org_id: sim.orgId,
  sectigo_cm_user: 'cert-admin',
  sectigo_cm_client_cert: client.certificatePem,
  sectigo_cm_client_key: client.privateKeyPem,
  sectigo_ca_bundle: ca.intermediatePem + ca.rootPem,
  sectigo_ssl_cert_type: 2001,
  sectigo_ssl_cert_validity: 365,
  ...FAST,
});

t.test('an API admin\'s certificate logs in: verify, enroll and collect over /private/api', async (t) => {
  const written = await call('POST', 'configs/certs', { ...configFor(admin), verify: true });
  t.equal(written.status, 204, JSON.stringify(written.body));
  await sim.controls.resetCounters();
  const enrolled = await call('POST', 'enroll/certs', { sectigo_csr_domain: 'mtls.example.com' });
  t.equal(enrolled.status, 200, JSON.stringify(enrolled.body));
  t.equal(enrolled.body.data.state.at(-1).status, 'Issued');
  t.ok((await sim.controls.counters()).enroll >= 1, 'SCM took the order');
});

t.test('the certificate and key are write-only: a read says they are set, never what they are', async (t) => {
  const read = await call('GET', 'configs/certs');
  t.equal(read.status, 200);
  t.equal(read.body.data.sectigo_cm_client_cert_set, true);
  t.equal(read.body.data.sectigo_cm_client_key_set, true);
  const text = JSON.stringify(read.body);
  t.notMatch(text, /PRIVATE KEY/, 'no key in the answer');
  t.notOk(text.includes(JSON.stringify(admin.certificatePem).slice(1, -1)), 'nor the admin\'s certificate');
});

for (const [label, client] of [['a certificate from a CA SCM does not trust', stranger], ['a trusted certificate of no API admin', unknownAdmin]] as const) {
  t.test(`${label} is refused with SCM's code -16`, async (t) => {
    const name = `refused-${client === stranger ? 'stranger' : 'unknown'}`;
    const verified = await call('POST', `configs/${name}`, { ...configFor(client), verify: true });
    t.ok(verified.status >= 400, 'verify=true refuses it');
    t.match(JSON.stringify(verified.body.errors), /-16.*Unknown user/);
    t.equal((await call('GET', `configs/${name}`)).status, 404, 'and stores nothing');

    t.equal((await call('POST', `configs/${name}`, configFor(client))).status, 204);
    const enrolled = await call('POST', `enroll/${name}`, { sectigo_csr_domain: 'refused.example.com' });
    t.ok(enrolled.status >= 400);
    t.match(JSON.stringify(enrolled.body.errors), /-16.*Unknown user/, 'SCM\'s code and words kept');
  });
}

t.test('a key that is not the certificate\'s, or a missing one, is a 400 naming the field', async (t) => {
  const mismatched = await call('POST', 'configs/bad', { ...configFor(admin), sectigo_cm_client_key: unknownAdmin.privateKeyPem });
  t.equal(mismatched.status, 400);
  t.match(mismatched.body.errors[0], /sectigo_cm_client_key: does not match the public key of sectigo_cm_client_cert/);
  const { sectigo_cm_client_key: _key, ...withoutKey } = configFor(admin);
  const missing = await call('POST', 'configs/bad', withoutKey);
  t.equal(missing.status, 400);
  t.match(missing.body.errors[0], /sectigo_cm_client_key: is required/);
});

t.test('the admin\'s key and certificate are sealed at rest and never logged', async (t) => {
  // A line from the middle of each PEM body: text no other stored value holds.
  const fragment = (pem: string) => pem.split('\n').filter((line) => line && !line.startsWith('-----'))[1];
  await server.close();
  for (const secret of [fragment(admin.privateKeyPem), fragment(admin.certificatePem)]) {
    await assertNotInDataDir(t, server.dataDir, secret);
    t.ok(server.logLines.every((line) => !line.includes(secret)), 'no log line holds it');
  }
});
