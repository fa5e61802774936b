import { t } from '../helpers/suite.js';
import { enrollIssued, makeCsr, pemBlocks, scmCall } from '../helpers/scm-test-client.js';
import { startTestSimulator } from '../helpers/test-simulator.js';

t.test('details carry the documented fields in SCM formats', async (t) => {
  const sim = await startTestSimulator(t);
  const { sslId } = await enrollIssued(sim, await makeCsr({ kind: 'RSA', bits: 2048 }), {
    subjAltNames: 'www.example.com',
    comments: 'ticket 7',
    customFields: [{ name: 'Cost Center', value: '42' }],
  });
  const d = (await scmCall(sim, 'GET', `/api/ssl/v1/${sslId}`)).json;
  t.match(d, {
    commonName: 'app.example.com',
    sslId,
    id: sslId,
    orgId: sim.orgId,
    status: 'Issued',
    backendCertId: String(d.orderNumber),
    certType: { id: 2001, terms: [365, 730] },
    term: 365,
    requestedVia: 'Web API',
    comments: 'ticket 7',
    renewed: false,
    keyAlgorithm: 'RSA',
    keySize: 2048,
    keyType: 'RSA - 2048',
    signatureAlg: 'SHA256WITHRSA',
    subjectAlternativeNames: ['www.example.com'],
    customFields: [{ name: 'Cost Center', value: '42' }],
    extendedKeyUsages: ['serverAuth', 'clientAuth'],
    certificateDetails: { subject: 'CN=app.example.com, O=Example, C=DE', subjectAltNames: /dNSName=app\.example\.com/ },
  });
  t.match(d.requested, /^\d{2}\/\d{2}\/\d{4}$/, 'MM/dd/yyyy dates');
  t.match(d.expires, /^\d{2}\/\d{2}\/\d{4}$/);
  t.match(d.serialNumber, /^([0-9A-F]{2}:){15}[0-9A-F]{2}$/);
  const missing = await scmCall(sim, 'GET', '/api/ssl/v1/999999');
  t.same([missing.status, missing.json.code], [404, -124]);
});

t.test('list pages with size/position, filters, X-Total-Count; HEAD counts', async (t) => {
  const sim = await startTestSimulator(t);
  for (const cn of ['a', 'b', 'c', 'd', 'e']) {
    await enrollIssued(sim, await makeCsr(undefined, { name: `CN=${cn}.example.com` }));
  }
  const page = await scmCall(sim, 'GET', '/api/ssl/v1?size=2&position=1');
  t.equal(page.headers.get('x-total-count'), '5');
  t.same(page.json.map((i: { commonName: string }) => i.commonName), ['b.example.com', 'c.example.com']);
  t.same(Object.keys(page.json[0]).sort(), ['commonName', 'serialNumber', 'sslId', 'subjectAlternativeNames']);
  const filtered = await scmCall(sim, 'GET', '/api/ssl/v1?commonName=d.example.com&status=Issued');
  t.same([filtered.headers.get('x-total-count'), filtered.json.length], ['1', 1]);
  const head = await scmCall(sim, 'HEAD', '/api/ssl/v1?status=Revoked');
  t.same([head.status, head.headers.get('x-total-count'), head.text], [200, '0', '']);
  const bad = await scmCall(sim, 'GET', '/api/ssl/v1?size=ten');
  t.same([bad.status, bad.json.code], [400, -1601]);
});

t.test('revoke: 204, then -159 on a second revoke, -102 before issuance', async (t) => {
  const sim = await startTestSimulator(t);
  const { sslId } = await enrollIssued(sim);
  const noReason = await scmCall(sim, 'POST', `/api/ssl/v1/revoke/${sslId}`, { reasonCode: 4 });
  t.same(noReason.json, { code: -7, description: 'reason is required but missing.' });
  const badCode = await scmCall(sim, 'POST', `/api/ssl/v1/revoke/${sslId}`, { reason: 'x', reasonCode: 2 });
  t.equal(badCode.json.code, -1601);
  const first = await scmCall(sim, 'POST', `/api/ssl/v1/revoke/${sslId}`, { reason: 'key compromise', reasonCode: '1' });
  t.same([first.status, first.text], [204, '']);
  const second = await scmCall(sim, 'POST', `/api/ssl/v1/revoke/${sslId}`, { reason: 'again' });
  t.same(second.json, { code: -159, description: 'Your certificate already revoked' });
  const details = (await scmCall(sim, 'GET', `/api/ssl/v1/${sslId}`)).json;
  t.same([details.status, details.reasonCode], ['Revoked', 1]);
  const collect = await scmCall(sim, 'GET', `/api/ssl/v1/collect/${sslId}/x509CO`);
  t.equal(collect.json.code, -110);

  await sim.controls.updateSettings({ issueDelayMs: 60_000 });
  const pending = await enrollIssued(sim);
  const early = await scmCall(sim, 'POST', `/api/ssl/v1/revoke/${pending.sslId}`, { reason: 'x' });
  t.same(early.json, { code: -102, description: 'Only issued certificates could be revoked.' });
  t.equal((await scmCall(sim, 'POST', '/api/ssl/v1/revoke/777777', { reason: 'x' })).json.code, -124);
});

t.test('revoke by serial accepts colon hex', async (t) => {
  const sim = await startTestSimulator(t);
  const { sslId } = await enrollIssued(sim);
  const serial = (await scmCall(sim, 'GET', `/api/ssl/v1/${sslId}`)).json.serialNumber;
  const answer = await scmCall(sim, 'POST', `/api/ssl/v1/revoke/serial/${serial}`, { reason: 'superseded', reasonCode: 4 });
  t.equal(answer.status, 204);
  t.equal((await scmCall(sim, 'GET', `/api/ssl/v1/${sslId}`)).json.status, 'Revoked');
  t.equal((await scmCall(sim, 'POST', '/api/ssl/v1/revoke/serial/AB:CD', { reason: 'x' })).json.code, -5101);
});

t.test('renewById returns the new sslId; renew/{renewId} answers 204; both mark the old one renewed', async (t) => {
  const sim = await startTestSimulator(t);
  const { sslId, renewId } = await enrollIssued(sim);
  for (const body of [undefined, '""', {}]) {
    const answer = await scmCall(sim, 'POST', `/api/ssl/v1/renewById/${sslId}`, body);
    t.equal(answer.status, 200, `body ${JSON.stringify(body)}`);
    t.ok(answer.json.sslId > sslId);
  }
  const old = (await scmCall(sim, 'GET', `/api/ssl/v1/${sslId}`)).json;
  t.equal(old.renewed, true);
  t.match(old.renewedDate, /^\d{2}\/\d{2}\/\d{4}$/);

  const newCsr = await makeCsr({ kind: 'EC', curve: 'P-384' });
  const byRenewId = await scmCall(sim, 'POST', `/api/ssl/v1/renew/${renewId}`, { csr: newCsr });
  t.same([byRenewId.status, byRenewId.text], [204, '']);
  const newest = (await scmCall(sim, 'GET', '/api/ssl/v1?size=1&position=4')).json[0];
  t.equal((await scmCall(sim, 'GET', `/api/ssl/v1/${newest.sslId}`)).json.keyType, 'EC - P-384', 'renew with a new CSR');
  t.equal((await scmCall(sim, 'POST', '/api/ssl/v1/renew/nope', {})).json.code, -123);
  t.equal((await scmCall(sim, 'POST', '/api/ssl/v1/renewById/888888')).json.code, -123);
});

t.test('renew refuses a certificate that is not issued (-130) or a profile without renewal (-180)', async (t) => {
  const sim = await startTestSimulator(t, { issueDelayMs: 60_000 });
  const pending = await enrollIssued(sim);
  const notIssued = await scmCall(sim, 'POST', `/api/ssl/v1/renewById/${pending.sslId}`);
  t.same(notIssued.json, { code: -130, description: "SSL state is not 'ISSUED': Applied" });
  await sim.controls.updateSettings({ issueDelayMs: 0 });
  const fixed = await enrollIssued(sim, undefined, { certType: 2006 });
  const forbidden = await scmCall(sim, 'POST', `/api/ssl/v1/renewById/${fixed.sslId}`);
  t.equal(forbidden.json.code, -180);
});

t.test('replace keeps the sslId, reissues with the new key and answers 204', async (t) => {
  const sim = await startTestSimulator(t);
  const { sslId } = await enrollIssued(sim);
  const before = pemBlocks((await scmCall(sim, 'GET', `/api/ssl/v1/collect/${sslId}/x509CO`)).text)[0];
  const csr = await makeCsr({ kind: 'RSA', bits: 2048 });
  const noReason = await scmCall(sim, 'POST', `/api/ssl/v1/replace/${sslId}`, { csr });
  t.equal(noReason.json.code, -7);
  const answer = await scmCall(sim, 'POST', `/api/ssl/v1/replace/${sslId}`, {
    csr,
    reason: 'key rotation',
    commonName: 'new.example.com',
    subjectAlternativeNames: ['new.example.com', 'alt.example.com'],
  });
  t.same([answer.status, answer.text], [204, '']);
  const after = pemBlocks((await scmCall(sim, 'GET', `/api/ssl/v1/collect/${sslId}/x509CO`)).text)[0];
  t.not(after.serialNumber, before.serialNumber);
  t.match(after.subject, /^CN=new\.example\.com/);
  const details = (await scmCall(sim, 'GET', `/api/ssl/v1/${sslId}`)).json;
  t.same([details.status, details.keyType, details.commonName], ['Issued', 'RSA - 2048', 'new.example.com']);
  t.match(details.replaced, /^\d{2}\/\d{2}\/\d{4}$/);
  t.equal((await scmCall(sim, 'POST', '/api/ssl/v1/replace/555555', { csr, reason: 'x' })).json.code, -124);
});

t.test('approval-required: Requested until approve; decline; -1112 in the wrong state', async (t) => {
  const sim = await startTestSimulator(t, { approvalRequired: true });
  const { sslId } = await enrollIssued(sim);
  t.equal((await scmCall(sim, 'GET', `/api/ssl/v1/${sslId}`)).json.status, 'Requested');
  t.equal((await scmCall(sim, 'GET', `/api/ssl/v1/collect/${sslId}/x509CO`)).json.code, 0);
  t.equal((await scmCall(sim, 'POST', `/api/ssl/v1/approve/${sslId}`, {})).json.code, -7, 'message is required');
  const approve = await scmCall(sim, 'POST', `/api/ssl/v1/approve/${sslId}`, { message: 'ok' });
  t.equal(approve.status, 204);
  t.equal((await scmCall(sim, 'GET', `/api/ssl/v1/collect/${sslId}/x509CO`)).status, 200);
  const again = await scmCall(sim, 'POST', `/api/ssl/v1/approve/${sslId}`, { message: 'ok' });
  t.same(again.json, { code: -1112, description: "Certificate can't be approved cause it has state = Issued" });

  const other = await enrollIssued(sim);
  t.equal((await scmCall(sim, 'POST', `/api/ssl/v1/decline/${other.sslId}`, { message: 'no' })).status, 204);
  t.equal((await scmCall(sim, 'GET', `/api/ssl/v1/${other.sslId}`)).json.status, 'Declined');
  t.equal((await scmCall(sim, 'GET', `/api/ssl/v1/collect/${other.sslId}/x509CO`)).json.code, -183);
  t.equal((await scmCall(sim, 'POST', `/api/ssl/v1/approve/${other.sslId}`, { message: 'x' })).json.code, -1112);
});
