/** SCM's error answers, odd bodies and dead connections all become ScmError. */
import { t } from '../helpers/suite.js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { ScmError } from '../../src/scm/index.js';
import { expectCall, interceptHttp, type RecordedRequest, scmClient } from '../helpers/scm-nock.js';

interceptHttp(t);

const ENROLL = { orgId: 1, csr: 'CSR', certType: 2, term: 365 };

t.test("SCM's JSON error body passes through as code and description", async (t) => {
  const client = scmClient();
  t.teardown(() => client.close());
  expectCall([], 'POST', '/api/ssl/v1/enroll', 400, { code: -36, description: 'The validity period (term) is invalid for this certificate profile.' });
  await t.rejects(client.enrollSsl(ENROLL), {
    name: 'ScmError',
    httpStatus: 400,
    code: -36,
    description: 'The validity period (term) is invalid for this certificate profile.',
    transport: false,
    message: 'SCM error -36: The validity period (term) is invalid for this certificate profile.',
  });
  expectCall([], 'GET', '/api/ssl/v1/9', 404, { code: -124, description: 'Wrong SSL certificate id 9.', details: 'see log' });
  await t.rejects(client.getSsl(9), { httpStatus: 404, code: -124, description: 'Wrong SSL certificate id 9. (see log)' });
  expectCall([], 'POST', '/api/ssl/v1/enroll', 401, { code: -16, description: 'Unknown user' });
  await t.rejects(client.enrollSsl(ENROLL), { httpStatus: 401, code: -16, description: 'Unknown user' });
});

t.test('empty and non-JSON error bodies keep the HTTP status and the raw text', async (t) => {
  const client = scmClient();
  t.teardown(() => client.close());
  expectCall([], 'POST', '/api/ssl/v1/revoke/5', 400, '');
  await t.rejects(client.revokeSsl(5, { reason: 'x' }), { httpStatus: 400, code: -1, description: 'HTTP 400 with an empty body' });
  expectCall([], 'GET', '/api/ssl/v1/types', 401, '');
  await t.rejects(client.listSslTypes(), { httpStatus: 401, code: -16, description: 'HTTP 401 with an empty body' }, 'an empty 401 is still bad credentials');
  expectCall([], 'POST', '/api/ssl/v1/enroll', 400, '{"code":-7,"descr');
  await t.rejects(client.enrollSsl(ENROLL), { httpStatus: 400, code: -1, description: '{"code":-7,"descr' }, 'truncated JSON');
  expectCall([], 'POST', '/api/ssl/v1/enroll', 404, '<html><body>Not Found</body></html>');
  await t.rejects(client.enrollSsl(ENROLL), { httpStatus: 404, code: -1, description: '<html><body>Not Found</body></html>' });
});

t.test('a 2xx answer that is not the documented shape is an ScmError, not a crash', async (t) => {
  const client = scmClient();
  t.teardown(() => client.close());
  expectCall([], 'GET', '/api/ssl/v1/types', 200, '[{"id":1,');
  await t.rejects(client.listSslTypes(), { httpStatus: 200, code: -1, description: /unexpected SSL types answer from SCM \(not JSON/ });
  expectCall([], 'POST', '/api/ssl/v1/enroll', 200, { renewId: 'abc' });
  await t.rejects(client.enrollSsl(ENROLL), { httpStatus: 200, code: -1, description: /SSL enroll.*sslId/ });
  expectCall([], 'GET', '/api/organization/v1', 200, { not: 'a list' });
  await t.rejects(client.listOrganizations(), { name: 'ScmError', description: /expected a list/ });
  expectCall([], 'GET', '/api/ssl/v1/collect/7?format=pem', 200, '');
  await t.rejects(client.collectSsl(7, 'pem'), { httpStatus: 200, code: 0, description: /Being processed by Sectigo/ }, 'an empty certificate means not ready');
});

t.test('a slow answer hits the per-request timeout: transport error, httpStatus 0', async (t) => {
  const log: RecordedRequest[] = [];
  const client = scmClient({ timeoutMs: 100, retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1 } });
  t.teardown(() => client.close());
  expectCall(log, 'GET', '/api/ssl/v1/3', 200, { id: 3, status: 'Issued' }, { delayMs: 1000 });
  expectCall(log, 'GET', '/api/ssl/v1/3', 200, { id: 3, status: 'Issued' }, { delayMs: 1000 });
  await t.rejects(client.getSsl(3), { name: 'ScmError', httpStatus: 0, transport: true, description: 'no answer within 100 ms' });
  t.equal(log.length, 2, 'a read that timed out is tried again');

  expectCall(log, 'POST', '/api/ssl/v1/enroll', 200, { sslId: 1 }, { delayMs: 1000 });
  await t.rejects(client.enrollSsl(ENROLL), { name: 'ScmError', httpStatus: 0, transport: true });
  t.equal(log.length, 3, 'an enroll that timed out is NOT sent again: SCM may have placed the order');
});

t.test('a connection reset is a transport error; reads are retried, an enroll is not', async (t) => {
  let hits = 0;
  const resetting = http.createServer((req) => {
    hits++;
    req.socket.destroy();
  });
  await new Promise<void>((resolve) => resetting.listen(0, '127.0.0.1', resolve));
  t.teardown(() => resetting.close());
  const client = scmClient({ baseUrl: `http://127.0.0.1:${(resetting.address() as AddressInfo).port}`, retry: { retries: 1, baseDelayMs: 1 } });
  t.teardown(() => client.close());

  const reset = await client.listSslTypes().catch((err: unknown) => err);
  t.ok(reset instanceof ScmError);
  t.match(reset, { httpStatus: 0, transport: true, description: /ECONNRESET/ });
  t.equal(hits, 2, 'the read was tried twice');

  await t.rejects(client.enrollSsl(ENROLL), { name: 'ScmError', httpStatus: 0, transport: true });
  t.equal(hits, 3, 'the enroll was sent once: the reset came after SCM had the request');
});

t.test('a refused connection is retried even for an enroll: the request never left', async (t) => {
  const closed = http.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const { port } = closed.address() as AddressInfo;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const attempts: number[] = [];
  const client = scmClient({ baseUrl: `http://127.0.0.1:${port}`, retry: { retries: 2, baseDelayMs: 1 }, onRequest: (e) => attempts.push(e.attempt) });
  t.teardown(() => client.close());
  await t.rejects(client.enrollSsl(ENROLL), { name: 'ScmError', httpStatus: 0, transport: true, description: /ECONNREFUSED/ });
  t.same(attempts, [0, 1, 2]);
});

t.test("a caller's abort stops the call with the signal's reason", async (t) => {
  const client = scmClient();
  t.teardown(() => client.close());
  expectCall([], 'GET', '/api/ssl/v1/4', 200, { id: 4, status: 'Issued' }, { delayMs: 2000 });
  const controller = new AbortController();
  const call = client.getSsl(4, { signal: controller.signal });
  setTimeout(() => controller.abort(new Error('client went away')), 20);
  await t.rejects(call, { message: 'client went away' });
  t.notOk((await call.catch((err: unknown) => err)) instanceof ScmError, 'an abort is not reported as an SCM failure');
});
