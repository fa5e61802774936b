/**
 * Every client method sends exactly the request reference/scm-api.md
 * documents: verb, path, query, auth headers and JSON body, and reads the
 * documented answer.
 */
import { t } from '../helpers/suite.js';
import nock from 'nock';
import { expectCall, interceptHttp, PASSWORD_AUTH, type RecordedRequest, scmClient } from '../helpers/scm-nock.js';

const CSR = '-----BEGIN CERTIFICATE REQUEST-----\nMIIBdummy\n-----END CERTIFICATE REQUEST-----\n';

interceptHttp(t, { offline: true });

function authHeadersOf(request: RecordedRequest) {
  return { login: request.headers.login, password: request.headers.password, customeruri: request.headers.customeruri };
}

t.test('SSL reads: types, custom fields, details, list', async (t) => {
  const log: RecordedRequest[] = [];
  const client = scmClient();
  t.teardown(() => client.close());
  const profile = { id: 1018, name: 'OV', description: 'd', terms: [365], keyTypes: { RSA: ['2048'] }, useSecondaryOrgName: false };

  expectCall(log, 'GET', '/api/ssl/v1/types?organizationId=103', 200, [profile]);
  t.same(await client.listSslTypes(103), [profile]);
  expectCall(log, 'GET', '/api/ssl/v1/types', 200, [profile]);
  t.same(await client.listSslTypes(), [profile]);

  expectCall(log, 'GET', '/api/ssl/v1/customFields', 200, [{ id: 54, name: 'testName', mandatory: true }]);
  t.same(await client.listSslCustomFields(), [{ id: 54, name: 'testName', mandatory: true }]);

  const details = { commonName: 'ccmqa.com', sslId: 54, id: 54, status: 'Issued', backendCertId: '7344326', subjectAlternativeNames: ['ccmqa.com'] };
  expectCall(log, 'GET', '/api/ssl/v1/54', 200, details);
  t.same(await client.getSsl(54), details);

  expectCall(log, 'GET', '/api/ssl/v1?size=2&position=4&commonName=ccmqa.com&status=Issued', 200, [{ sslId: 58, commonName: 'ccmqa.com' }], {
    headers: { 'X-Total-Count': '7' },
  });
  t.same(await client.listSsl({ size: 2, position: 4, commonName: 'ccmqa.com', status: 'Issued' }), {
    items: [{ sslId: 58, commonName: 'ccmqa.com' }],
    total: 7,
  });
  expectCall(log, 'GET', '/api/ssl/v1', 200, []);
  t.same(await client.listSsl(), { items: [], total: null }, 'no X-Total-Count → total null');

  t.same(
    log.map((r) => [r.method, r.path]),
    [
      ['GET', '/api/ssl/v1/types?organizationId=103'],
      ['GET', '/api/ssl/v1/types'],
      ['GET', '/api/ssl/v1/customFields'],
      ['GET', '/api/ssl/v1/54'],
      ['GET', '/api/ssl/v1?size=2&position=4&commonName=ccmqa.com&status=Issued'],
      ['GET', '/api/ssl/v1'],
    ],
  );
  for (const request of log) {
    t.same(authHeadersOf(request), { login: 'api-admin', password: 's3cret!', customeruri: 'acme' }, `auth headers on ${request.path}`);
    t.equal(request.headers.accept, 'application/json');
    t.equal(request.body, undefined, 'reads carry no body');
  }
  t.ok(nock.isDone());
});

t.test('SSL enroll sends the documented JSON and returns sslId and renewId', async (t) => {
  const log: RecordedRequest[] = [];
  const client = scmClient();
  t.teardown(() => client.close());
  const request = {
    orgId: 103,
    csr: CSR,
    certType: 1013,
    term: 365,
    subjAltNames: 'ccmqa.com,www.ccmqa.com',
    comments: 'test',
    externalRequester: '',
    customFields: [{ name: 'custom field', value: 'custom field value' }],
    numberServers: 1,
    serverType: -1,
  };
  expectCall(log, 'POST', '/api/ssl/v1/enroll', 200, { sslId: 55, renewId: 'gu03sW6WENt7GTvDTuOP' });
  t.same(await client.enrollSsl(request), { sslId: 55, renewId: 'gu03sW6WENt7GTvDTuOP' });
  t.equal(log.length, 1);
  t.same(log[0].body, request);
  t.equal(log[0].headers['content-type'], 'application/json;charset=UTF-8');
  t.same(authHeadersOf(log[0]), { login: 'api-admin', password: 's3cret!', customeruri: 'acme' });

  expectCall(log, 'POST', '/api/ssl/v1/enroll', 200, { sslId: '56' });
  t.same(await client.enrollSsl(request), { sslId: 56 }, 'a string id is coerced; a missing renewId is left out');
});

t.test('SSL collect asks for the format as a query parameter and returns the body', async (t) => {
  const log: RecordedRequest[] = [];
  const client = scmClient();
  t.teardown(() => client.close());
  const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
  const octet = { 'Content-Type': 'application/octet-stream;charset=UTF-8', 'Content-Disposition': 'attachment; filename="test.cert"' };

  expectCall(log, 'GET', '/api/ssl/v1/collect/55?format=x509CO', 200, pem, { headers: octet });
  t.equal(await client.collectSsl(55, 'x509CO'), pem);
  expectCall(log, 'GET', '/api/ssl/v1/collect/55?format=base64', 200, '-----BEGIN PKCS7-----\nMIIC\n-----END PKCS7-----\n', { headers: octet });
  t.match(await client.collectSsl(55), /BEGIN PKCS7/, 'default format is base64 (PKCS#7 PEM)');

  const der = Buffer.from([0x30, 0x82, 0x01, 0x00, 0xff, 0x00]);
  nock('https://scm.example.test').get('/api/ssl/v1/collect/55').query({ format: 'bin' }).reply(200, der, octet);
  t.equal(await client.collectSsl(55, 'bin'), der.toString('base64'), 'binary formats come back as base64 of the bytes');

  t.equal(log[0].headers.accept, '*/*', 'collect accepts the octet-stream answer');
});

t.test('SSL actions: revoke, renewById, renew, replace, approve, decline', async (t) => {
  const log: RecordedRequest[] = [];
  const client = scmClient();
  t.teardown(() => client.close());

  expectCall(log, 'POST', '/api/ssl/v1/revoke/55', 204);
  await client.revokeSsl(55, { reasonCode: 4, reason: 'superseded by 56' });
  expectCall(log, 'POST', '/api/ssl/v1/revoke/57', 204);
  await client.revokeSsl(57, { reason: 'no code' });

  expectCall(log, 'POST', '/api/ssl/v1/renewById/55', 200, { sslId: 74 });
  t.same(await client.renewSslById(55), { sslId: 74 });
  expectCall(log, 'POST', '/api/ssl/v1/renewById/56', 204);
  t.same(await client.renewSslById(56, { csr: CSR }), { sslId: null }, 'an old-style 204 gives no new id');

  expectCall(log, 'POST', '/api/ssl/v1/renew/gu03sW6WENt7GTvDTuOP', 204);
  await client.renewSsl('gu03sW6WENt7GTvDTuOP', { csr: CSR });

  expectCall(log, 'POST', '/api/ssl/v1/replace/55', 204);
  await client.replaceSsl(55, { csr: CSR, reason: 'key rotation', commonName: 'ccmqa.com', subjectAlternativeNames: ['ccmqa1.com', 'ccmqa2.com'] });

  expectCall(log, 'POST', '/api/ssl/v1/approve/55', 204);
  await client.approveSsl(55, 'ok');
  expectCall(log, 'POST', '/api/ssl/v1/decline/56', 204);
  await client.declineSsl(56, 'no');

  t.same(
    log.map((r) => [r.method, r.path, r.body]),
    [
      ['POST', '/api/ssl/v1/revoke/55', { reasonCode: 4, reason: 'superseded by 56' }],
      ['POST', '/api/ssl/v1/revoke/57', { reason: 'no code' }],
      ['POST', '/api/ssl/v1/renewById/55', {}],
      ['POST', '/api/ssl/v1/renewById/56', { csr: CSR }],
      ['POST', '/api/ssl/v1/renew/gu03sW6WENt7GTvDTuOP', { csr: CSR }],
      ['POST', '/api/ssl/v1/replace/55', { csr: CSR, reason: 'key rotation', commonName: 'ccmqa.com', subjectAlternativeNames: ['ccmqa1.com', 'ccmqa2.com'] }],
      ['POST', '/api/ssl/v1/approve/55', { message: 'ok' }],
      ['POST', '/api/ssl/v1/decline/56', { message: 'no' }],
    ],
  );
  for (const request of log) t.same(authHeadersOf(request), { login: 'api-admin', password: 's3cret!', customeruri: 'acme' });
});

t.test('S/MIME: types, enroll, collect, revoke, renew (v2), replace (v2)', async (t) => {
  const log: RecordedRequest[] = [];
  const client = scmClient();
  t.teardown(() => client.close());
  const profile = { id: 15702, name: 'Sectigo SMIME', description: '', terms: [365], keyTypes: { RSA: ['2048'] }, useSecondaryOrgName: false };

  expectCall(log, 'GET', '/api/smime/v1/types?organizationId=359', 200, [profile]);
  t.same(await client.listSmimeTypes(359), [profile]);

  const enroll = {
    orgId: 359,
    firstName: 'Name',
    middleName: '',
    lastName: 'LastName',
    email: 'name@test.net',
    secondaryEmails: [],
    csr: CSR,
    certType: 1098,
    term: 365,
    customFields: [],
    commonName: 'Common name',
    comments: 'S/MIME comment string',
  };
  expectCall(log, 'POST', '/api/smime/v1/enroll', 200, { orderNumber: 1923182777, backendCertId: '1923182777' });
  t.same(await client.enrollSmime(enroll), { orderNumber: 1923182777, backendCertId: '1923182777' });

  expectCall(log, 'GET', '/api/smime/v1/collect/1923182777?format=base64', 200, '-----BEGIN PKCS7-----\nMIIC\n-----END PKCS7-----\n');
  t.match(await client.collectSmime('1923182777'), /BEGIN PKCS7/);

  expectCall(log, 'POST', '/api/smime/v1/revoke/order/1923182777', 204);
  await client.revokeSmime('1923182777', { reasonCode: 0, reason: '' });

  expectCall(log, 'POST', '/api/smime/v2/renew/order/1923182777', 200, { orderNumber: 12345, backendCertId: '12345' });
  t.same(await client.renewSmime('1923182777'), { orderNumber: 12345, backendCertId: '12345' });

  expectCall(log, 'POST', '/api/smime/v2/replace/order/12345', 204);
  await client.replaceSmime('12345', { csr: CSR, reason: 'lost token', revoke: true });

  t.same(
    log.map((r) => [r.method, r.path, r.body]),
    [
      ['GET', '/api/smime/v1/types?organizationId=359', undefined],
      ['POST', '/api/smime/v1/enroll', enroll],
      ['GET', '/api/smime/v1/collect/1923182777?format=base64', undefined],
      ['POST', '/api/smime/v1/revoke/order/1923182777', { reasonCode: 0, reason: '' }],
      ['POST', '/api/smime/v2/renew/order/1923182777', undefined],
      ['POST', '/api/smime/v2/replace/order/12345', { csr: CSR, reason: 'lost token', revoke: true }],
    ],
  );
  for (const request of log) t.same(authHeadersOf(request), { login: 'api-admin', password: 's3cret!', customeruri: 'acme' });
});

t.test('organizations list, with departments defaulted to []', async (t) => {
  const log: RecordedRequest[] = [];
  const client = scmClient();
  t.teardown(() => client.close());
  expectCall(log, 'GET', '/api/organization/v1', 200, [
    { id: 1697, name: 'org4Test', departments: [{ id: 1698, parentName: 'org4Test', name: 'department4Test' }] },
    { id: 1700, name: 'bare' },
  ]);
  t.same(await client.listOrganizations(), [
    { id: 1697, name: 'org4Test', departments: [{ id: 1698, parentName: 'org4Test', name: 'department4Test' }] },
    { id: 1700, name: 'bare', departments: [] },
  ]);
  t.same(authHeadersOf(log[0]), { login: PASSWORD_AUTH.login, password: PASSWORD_AUTH.password, customeruri: PASSWORD_AUTH.customerUri });
});

t.test('a base URL given as a full endpoint or the private root is used as the API root', async (t) => {
  const log: RecordedRequest[] = [];
  for (const [baseUrl, path] of [
    ['https://scm.example.test/api/ssl/v1/', '/api/ssl/v1/types'],
    ['https://scm.example.test/private/api', '/private/api/ssl/v1/types'],
  ] as const) {
    const client = scmClient({ baseUrl });
    expectCall(log, 'GET', path, 200, []);
    t.same(await client.listSslTypes(), []);
    client.close();
  }
  t.same(log.map((r) => r.path), ['/api/ssl/v1/types', '/private/api/ssl/v1/types']);
});
