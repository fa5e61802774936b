import { t } from '../helpers/suite.js';
import { SIMULATOR_LOGIN } from '../helpers/scm-connection.js';
import { enrollIssued, makeCsr, scmCall } from '../helpers/scm-test-client.js';
import { startTestSimulator } from '../helpers/test-simulator.js';

t.test('header auth: any wrong login, password or customerUri is 401 -16 Unknown user', async (t) => {
  const sim = await startTestSimulator(t);
  t.equal((await scmCall(sim, 'GET', '/api/ssl/v1/types')).status, 200);
  for (const wrong of [{ login: 'x' }, { password: 'x' }, { customerUri: 'x' }]) {
    const answer = await scmCall(sim, 'GET', '/api/ssl/v1/types', undefined, { ...SIMULATOR_LOGIN, ...wrong });
    t.equal(answer.status, 401, JSON.stringify(wrong));
    t.same(answer.json, { code: -16, description: 'Unknown user' });
  }
  const none = await scmCall(sim, 'GET', '/api/ssl/v1/types', undefined, {});
  t.same([none.status, none.json.code], [401, -16]);
});

t.test('types lists profiles with terms and keyTypes, filtered by organizationId', async (t) => {
  const sim = await startTestSimulator(t);
  const all = await scmCall(sim, 'GET', '/api/ssl/v1/types');
  t.ok(all.json.length >= 5);
  const ov = all.json.find((p: { id: number }) => p.id === 2001);
  t.same(ov.keyTypes.RSA, ['2048', '3072', '4096']);
  t.same(ov.terms, [365, 730]);
  t.notOk('renewable' in ov, 'internal flags stay off the wire');
  const department = await scmCall(sim, 'GET', '/api/ssl/v1/types?organizationId=1002');
  t.notOk(department.json.some((p: { id: number }) => p.id === 2005), 'no EV profile for the department');
  const unknown = await scmCall(sim, 'GET', '/api/ssl/v1/types?organizationId=9');
  t.same([unknown.status, unknown.json.code], [400, -639]);
  const fields = await scmCall(sim, 'GET', '/api/ssl/v1/customFields');
  t.same(fields.json, [{ id: 101, name: 'Cost Center', mandatory: false }]);
});

t.test('organizations are discoverable with their API switches', async (t) => {
  const sim = await startTestSimulator(t);
  const list = await scmCall(sim, 'GET', '/api/organization/v1');
  t.same(list.json.map((o: { id: number }) => o.id), [1001, 1003, 1004]);
  t.equal(list.json[0].departments[0].id, 1002);
  const org = await scmCall(sim, 'GET', `/api/organization/v1/${sim.orgId}`);
  t.same([org.json.sslCertsApiEnabled, org.json.clientCertsApiEnabled], [true, true]);
  const disabled = await scmCall(sim, 'GET', '/api/organization/v1/1003');
  t.same([disabled.json.sslCertsApiEnabled, disabled.json.clientCertsApiEnabled], [false, true]);
  const dept = await scmCall(sim, 'GET', '/api/organization/v1/1002');
  t.equal(dept.json.parentId, 1001);
  const missing = await scmCall(sim, 'GET', '/api/organization/v1/42');
  t.same([missing.status, missing.json.code], [404, -1023]);
});

t.test('enroll answers 200 {sslId, renewId} and accepts the legacy numberServers/serverType', async (t) => {
  const sim = await startTestSimulator(t);
  const answer = await scmCall(sim, 'POST', '/api/ssl/v1/enroll', {
    orgId: String(sim.orgId),
    certType: 2001,
    term: 365,
    csr: await makeCsr(),
    subjAltNames: 'app.example.com,www.example.com',
    numberServers: 1,
    serverType: -1,
    comments: 'test',
    externalRequester: '',
    customFields: [{ name: 'Cost Center', value: '42' }],
  });
  t.equal(answer.status, 200);
  t.type(answer.json.sslId, 'number');
  t.match(answer.json.renewId, /^[A-Za-z0-9_-]{20}$/);
  const second = await scmCall(sim, 'POST', '/api/ssl/v2/enroll', { orgId: 1002, certType: 2001, term: 365, csr: await makeCsr() });
  t.equal(second.status, 200, 'v2 mirrors v1, departments are valid orgIds');
  t.not(second.json.sslId, answer.json.sslId);
});

t.test('enroll rejects bad input with SCM codes and stores nothing', async (t) => {
  const sim = await startTestSimulator(t);
  const csr = await makeCsr();
  const rsa1024 = await makeCsr({ kind: 'RSA', bits: 1024 });
  const p521 = await makeCsr({ kind: 'EC', curve: 'P-521' });
  const valid = { orgId: sim.orgId, certType: 2001, term: 365, csr };
  // The last DER byte belongs to the signature: flipping it keeps the CSR decodable but unsigned.
  const der = Buffer.from(csr.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  der[der.length - 1] ^= 0xff;
  const tamperedCsr = der.toString('base64');
  const cases: [string, unknown, number, RegExp?][] = [
    ['missing orgId', { ...valid, orgId: undefined }, -7, /orgId is required/],
    ['orgId not a number', { ...valid, orgId: 'abc' }, -1601, /'orgId'/],
    ['unknown orgId', { ...valid, orgId: 4242 }, -639],
    ['SSL API disabled for org', { ...valid, orgId: 1003 }, -3, /not authorized/],
    ['missing certType', { ...valid, certType: undefined }, -7, /certType/],
    ['unknown profile', { ...valid, certType: 9999 }, -111, /9999/],
    ['profile not for the department', { ...valid, orgId: 1002, certType: 2005 }, -39],
    ['term not in profile', { ...valid, term: 400 }, -36],
    ['missing csr', { ...valid, csr: undefined }, -7, /csr/],
    ['csr not base64', { ...valid, csr: 'not a csr!!' }, -9],
    ['csr base64 but not a CSR', { ...valid, csr: Buffer.from('hello world').toString('base64') }, -10],
    ['csr with a broken signature', { ...valid, csr: tamperedCsr }, -138],
    ['EC key on an RSA-only profile', { ...valid, certType: 2005 }, -11],
    ['RSA 1024 key', { ...valid, csr: rsa1024 }, -13],
    ['P-521 on a P-256/P-384 profile', { ...valid, certType: 2004, csr: p521 }, -13],
    ['bad SAN', { ...valid, subjAltNames: 'ok.example.com,not a host' }, -1601, /subjAltNames/],
    ['unknown custom field', { ...valid, customFields: [{ name: 'Nope', value: '1' }] }, -135],
    ['custom fields not an array', { ...valid, customFields: 'x' }, -1601, /customFields/],
    ['comments too long', { ...valid, comments: 'x'.repeat(1025) }, -1601, /comments/],
  ];
  for (const [name, body, code, description] of cases) {
    const answer = await scmCall(sim, 'POST', '/api/ssl/v1/enroll', body);
    t.equal(answer.status, 400, name);
    t.equal(answer.json.code, code, `${name}: ${answer.text}`);
    if (description) t.match(answer.json.description, description, name);
  }
  const malformed = await scmCall(sim, 'POST', '/api/ssl/v1/enroll', '{"orgId":');
  t.equal(malformed.status, 400, 'malformed JSON is a 400');
  const list = await scmCall(sim, 'HEAD', '/api/ssl/v1');
  t.equal(list.headers.get('x-total-count'), '0', 'no order was placed by any rejected enroll');
});

t.test('a mandatory custom field must be sent (-62)', async (t) => {
  const sim = await startTestSimulator(t);
  await sim.controls.updateSettings({ sslCustomFields: [{ id: 7, name: 'Ticket', mandatory: true }] });
  const body = { orgId: sim.orgId, certType: 2001, term: 365, csr: await makeCsr() };
  const missing = await scmCall(sim, 'POST', '/api/ssl/v1/enroll', body);
  t.same(missing.json, { code: -62, description: 'Missing mandatory custom field!' });
  const given = await scmCall(sim, 'POST', '/api/ssl/v1/enroll', { ...body, customFields: [{ name: 'Ticket', value: 'T-1' }] });
  t.equal(given.status, 200);
});

t.test('routing: one trailing slash is ignored, path values are percent-decoded, anything unmapped is Spring 404', async (t) => {
  const sim = await startTestSimulator(t);
  const { sslId } = await enrollIssued(sim);
  const listed = await scmCall(sim, 'GET', '/api/ssl/v1/');
  t.same(listed.json.map((item: { sslId: number }) => item.sslId), [sslId]);
  const serial = (await scmCall(sim, 'GET', `/api/ssl/v1/${sslId}`)).json.serialNumber as string;
  const revoked = await scmCall(sim, 'POST', `/api/ssl/v1/revoke/serial/${encodeURIComponent(serial)}`, { reason: 'test' });
  t.equal(revoked.status, 204, 'a colon-hex serial arrives decoded');
  for (const [method, path] of [
    ['GET', '/api/ssl/v1/collect//x509'],
    ['DELETE', `/api/ssl/v1/${sslId}`],
    ['GET', '/api/nothing/here'],
  ]) {
    const answer = await scmCall(sim, method, path);
    t.equal(answer.status, 404, `${method} ${path}`);
    t.match(answer.json, { status: 404, error: 'Not Found', path }, `${method} ${path}`);
  }
});
