import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { t } from '../helpers/suite.js';
import { makeCsr, pemBlocks, scmCall } from '../helpers/scm-test-client.js';
import { startTestSimulator } from '../helpers/test-simulator.js';
import { opensslVerify } from '../helpers/openssl-verify.js';
import type { Simulator } from '../../src/simulator/index.js';

async function enrollSmime(sim: Simulator, extra: Record<string, unknown> = {}) {
  return scmCall(sim, 'POST', '/api/smime/v1/enroll', {
    orgId: sim.orgId,
    certType: 3001,
    term: 365,
    email: 'jane@example.com',
    secondaryEmails: ['j.doe@example.com'],
    firstName: 'Jane',
    middleName: '',
    lastName: 'Doe',
    csr: await makeCsr({ kind: 'RSA', bits: 2048 }, { name: 'CN=ignored' }),
    ...extra,
  });
}

t.test('S/MIME enroll, -183 while pending, PKCS#7 by default, e-mail certificate', async (t) => {
  const sim = await startTestSimulator(t, { issueDelayMs: 60_000 });
  const types = await scmCall(sim, 'GET', '/api/smime/v2/types?organizationId=1001');
  t.ok(types.json.some((p: { id: number }) => p.id === 3001));
  t.same((await scmCall(sim, 'GET', '/api/smime/v1/customFields')).json, [{ id: 201, name: 'Employee ID', mandatory: false }]);
  const enrolled = await enrollSmime(sim);
  t.equal(enrolled.status, 200);
  t.equal(enrolled.json.backendCertId, String(enrolled.json.orderNumber));
  const id = enrolled.json.backendCertId;
  const pending = await scmCall(sim, 'GET', `/api/smime/v1/collect/${id}`);
  t.same([pending.status, pending.json], [400, { code: -183, description: 'Certificate is not collectable.' }]);

  await sim.controls.updateSettings({ issueDelayMs: 0 });
  const ready = (await enrollSmime(sim)).json.backendCertId;
  const p7 = await scmCall(sim, 'GET', `/api/smime/v1/collect/${ready}`);
  t.equal(p7.status, 200);
  t.match(p7.text, /^-----BEGIN PKCS7-----/);
  t.equal([...new x509.X509Certificates(p7.text.replace(/PKCS7/g, 'CMS'))].length, 3);
  const leafPem = (await scmCall(sim, 'GET', `/api/smime/v2/collect/${ready}?format=x509CO`)).text;
  const [leaf] = pemBlocks(leafPem);
  t.match(leaf.subject, /CN=Jane Doe/);
  t.same(
    leaf.getExtension(x509.SubjectAlternativeNameExtension)!.names.toJSON(),
    [
      { type: 'email', value: 'jane@example.com' },
      { type: 'email', value: 'j.doe@example.com' },
    ],
  );
  t.same(leaf.getExtension(x509.ExtendedKeyUsageExtension)!.usages, [
    x509.ExtendedKeyUsage.emailProtection,
    x509.ExtendedKeyUsage.clientAuth,
  ]);
  t.equal((await opensslVerify(sim.caChainPem, leafPem)).code, 0);
  t.equal((await scmCall(sim, 'GET', `/api/smime/v1/collect/${ready}?format=zip`)).json.code, -1450);
  t.equal((await scmCall(sim, 'GET', '/api/smime/v1/collect/123')).json.code, -1104);
});

t.test('S/MIME enroll validation', async (t) => {
  const sim = await startTestSimulator(t);
  const cases: [string, Record<string, unknown>, number][] = [
    ['missing email', { email: undefined }, -7],
    ['bad email', { email: 'not-an-email' }, -1601],
    ['missing firstName', { firstName: '' }, -7],
    ['missing lastName', { lastName: undefined }, -7],
    ['unknown profile', { certType: 2001 }, -172],
    ['bad term', { term: 5 }, -36],
    ['client API disabled', { orgId: 1004 }, -3],
    ['EC P-521 not in profile', { csr: await makeCsr({ kind: 'EC', curve: 'P-521' }) }, -13],
  ];
  for (const [name, extra, code] of cases) {
    const answer = await enrollSmime(sim, extra);
    t.same([answer.status, answer.json.code], [400, code], `${name}: ${answer.text}`);
  }
  t.equal((await enrollSmime(sim, { orgId: 1003 })).status, 200, 'org 1003 allows client certificates');
});

t.test('S/MIME revoke by order and serial, renew, replace, details and list', async (t) => {
  const sim = await startTestSimulator(t);
  const first = (await enrollSmime(sim)).json.backendCertId;
  const second = (await enrollSmime(sim)).json.backendCertId;
  const renewed = await scmCall(sim, 'POST', `/api/smime/v2/renew/order/${first}`);
  t.equal(renewed.status, 200);
  t.not(renewed.json.backendCertId, first);
  t.equal((await scmCall(sim, 'GET', `/api/smime/v1/collect/${renewed.json.backendCertId}`)).status, 200);

  const before = pemBlocks((await scmCall(sim, 'GET', `/api/smime/v1/collect/${second}?format=x509CO`)).text)[0];
  const replace = await scmCall(sim, 'POST', `/api/smime/v2/replace/order/${second}`, {
    csr: await makeCsr({ kind: 'EC', curve: 'P-256' }),
    reason: 'lost key',
    revoke: true,
  });
  t.equal(replace.status, 204);
  const after = pemBlocks((await scmCall(sim, 'GET', `/api/smime/v1/collect/${second}?format=x509CO`)).text)[0];
  t.not(after.serialNumber, before.serialNumber);

  t.equal((await scmCall(sim, 'POST', `/api/smime/v1/revoke/order/${first}`, { reason: '' })).status, 204);
  const again = await scmCall(sim, 'POST', `/api/smime/v1/revoke/order/${first}`, { reason: '' });
  t.same(again.json, { code: -159, description: 'Your certificate already revoked' });
  t.equal((await scmCall(sim, 'GET', `/api/smime/v1/collect/${first}`)).json.code, -192);
  const serial = after.serialNumber.match(/../g)!.join(':');
  t.equal((await scmCall(sim, 'POST', `/api/smime/v1/revoke/serial/${serial}`, { reasonCode: 4 })).status, 204);
  const renewRevoked = await scmCall(sim, 'POST', `/api/smime/v2/renew/order/${first}`);
  t.same(renewRevoked.json, { code: -105, description: 'Error was occurred while renewing cert. Status = revoked' });

  const list = await scmCall(sim, 'GET', '/api/smime/v2?email=jane%40example.com&state=revoked');
  t.same([list.headers.get('x-total-count'), list.json.length], ['2', 2]);
  t.match(list.json[0], { state: 'revoked', backendCertId: first, expires: /^\d{4}-\d{2}-\d{2}$/ });
  const details = await scmCall(sim, 'GET', `/api/smime/v1/${list.json[0].id}`);
  t.match(details.json, { status: 'revoked', backendCertId: first, subjectAlternativeNames: ['jane@example.com', 'j.doe@example.com'] });
  t.equal((await scmCall(sim, 'GET', '/api/smime/v1/99999')).status, 404);
});
