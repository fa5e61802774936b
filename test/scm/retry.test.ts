/** Which failures are retried, and after how long. */
import { t } from '../helpers/suite.js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { createScmLimiter, type ScmRequestEvent } from '../../src/scm/index.js';
import { delayBeforeRetry, parseRetryAfter, DEFAULT_RETRY_POLICY } from '../../src/scm/retry.js';
import { ScmError } from '../../src/scm/errors.js';
import { expectCall, interceptHttp, type RecordedRequest, scmClient } from '../helpers/scm-nock.js';

interceptHttp(t);

const ENROLL = { orgId: 1, csr: 'CSR', certType: 2, term: 365 };
const BUSY = { code: -2, description: 'Internal error. Please contact Support for details.' };

t.test('5xx on a read is retried until it succeeds', async (t) => {
  const log: RecordedRequest[] = [];
  const events: ScmRequestEvent[] = [];
  const client = scmClient({ onRequest: (event) => events.push(event) });
  t.teardown(() => client.close());
  expectCall(log, 'GET', '/api/ssl/v1/types', 503, '');
  expectCall(log, 'GET', '/api/ssl/v1/types', 500, BUSY);
  expectCall(log, 'GET', '/api/ssl/v1/types', 200, [{ id: 1, name: 'OV', terms: [365] }]);
  t.same(await client.listSslTypes(), [{ id: 1, name: 'OV', terms: [365] }]);
  t.equal(log.length, 3);
  t.same(events.map((e) => [e.method, e.endpoint, e.status, e.attempt]), [
    ['GET', '/ssl/v1/types', 503, 0],
    ['GET', '/ssl/v1/types', 500, 1],
    ['GET', '/ssl/v1/types', 200, 2],
  ]);
  t.notOk(JSON.stringify(events).includes('s3cret'), 'request events never carry the password');
});

t.test('a read that keeps failing gives up after the configured retries with the last error', async (t) => {
  const log: RecordedRequest[] = [];
  const events: ScmRequestEvent[] = [];
  const client = scmClient({ retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 2 }, onRequest: (event) => events.push(event) });
  t.teardown(() => client.close());
  for (let i = 0; i < 3; i++) expectCall(log, 'GET', '/api/ssl/v1/8', 502, 'Bad Gateway');
  await t.rejects(client.getSsl(8), { httpStatus: 502, code: -1, description: 'Bad Gateway' });
  t.equal(log.length, 3);
  t.same(new Set(events.map((e) => e.endpoint)), new Set(['/ssl/v1/{id}']), 'events name the endpoint, not the order id');
});

t.test('5xx on enroll, renew, replace and revoke is NOT retried', async (t) => {
  const log: RecordedRequest[] = [];
  const client = scmClient();
  t.teardown(() => client.close());
  const calls: Array<[string, () => Promise<unknown>]> = [
    ['/api/ssl/v1/enroll', () => client.enrollSsl(ENROLL)],
    ['/api/ssl/v1/renewById/5', () => client.renewSslById(5)],
    ['/api/ssl/v1/replace/5', () => client.replaceSsl(5, { csr: 'CSR', reason: 'r' })],
    ['/api/ssl/v1/revoke/5', () => client.revokeSsl(5, { reason: 'r' })],
    ['/api/smime/v1/enroll', () => client.enrollSmime({ orgId: 1, csr: 'C', certType: 1, term: 365, email: 'a@b.c', firstName: 'A', lastName: 'B' })],
  ];
  for (const [path, call] of calls) {
    expectCall(log, 'POST', path, 503, BUSY);
    const spare = expectCall(log, 'POST', path, 200, { sslId: 1, orderNumber: 1, backendCertId: '1' });
    await t.rejects(call(), { httpStatus: 503, code: -2 }, path);
    t.notOk(spare.isDone(), `${path} was sent once`);
    nock.cleanAll();
  }
  t.equal(log.length, calls.length);
});

t.test('429 is retried after Retry-After seconds', async (t) => {
  const log: RecordedRequest[] = [];
  const client = scmClient();
  t.teardown(() => client.close());
  expectCall(log, 'GET', '/api/ssl/v1/12', 429, '', { headers: { 'Retry-After': '1' } });
  expectCall(log, 'GET', '/api/ssl/v1/12', 200, { id: 12, status: 'Applied' });
  const started = Date.now();
  t.match(await client.getSsl(12), { id: 12, status: 'Applied' });
  t.equal(log.length, 2);
  // Lower bound only: the client must not come back sooner than SCM asked.
  t.ok(Date.now() - started >= 950, 'waited the second SCM asked for');
});

t.test('a Retry-After longer than the policy allows fails the call instead of blocking it', async (t) => {
  const log: RecordedRequest[] = [];
  const client = scmClient({ retry: { retries: 3, maxRetryAfterMs: 5_000 } });
  t.teardown(() => client.close());
  expectCall(log, 'GET', '/api/ssl/v1/13', 429, { code: 429, description: 'Too many requests' }, { headers: { 'Retry-After': '3600' } });
  await t.rejects(client.getSsl(13), { httpStatus: 429, code: 429 });
  t.equal(log.length, 1);
});

t.test('Retry-After: delta-seconds and HTTP-date', async (t) => {
  const now = Date.parse('2026-11-22T10:00:00Z');
  t.equal(parseRetryAfter('7', now), 7000);
  t.equal(parseRetryAfter(' 0 ', now), 0);
  t.equal(parseRetryAfter('Sun, 22 Nov 2026 10:00:30 GMT', now), 30_000);
  t.equal(parseRetryAfter('Sun, 22 Nov 2026 09:00:00 GMT', now), 0, 'a date in the past means now');
  t.equal(parseRetryAfter('soon', now), undefined);
});

t.test('backoff is exponential with full jitter, capped', async (t) => {
  const policy = { ...DEFAULT_RETRY_POLICY, retries: 10, baseDelayMs: 100, maxDelayMs: 1000 };
  const failure = { error: new ScmError(503, -1, 'x') };
  for (let attempt = 0; attempt < 10; attempt++) {
    const cap = Math.min(1000, 100 * 2 ** attempt);
    const delays = Array.from({ length: 50 }, () => delayBeforeRetry(failure, attempt, true, policy) as number);
    t.ok(delays.every((delay) => delay >= 0 && delay < cap), `attempt ${attempt}: every delay in [0, ${cap})`);
  }
  t.equal(delayBeforeRetry(failure, 10, true, policy), undefined, 'no retries left');
  t.equal(delayBeforeRetry({ error: new ScmError(400, -7, 'x') }, 0, true, policy), undefined, '4xx is an answer, not a fault');
  t.equal(delayBeforeRetry(failure, 0, false, policy), undefined, 'non-idempotent 5xx');
  t.type(delayBeforeRetry({ error: new ScmError(0, -1, 'x', true), socketCode: 'ENOTFOUND' }, 0, false, policy), 'number', 'DNS failure: never sent');
  t.equal(delayBeforeRetry({ error: new ScmError(0, -1, 'x', true), socketCode: 'ECONNRESET' }, 0, false, policy), undefined, 'reset: maybe sent');
});

t.test('one shared limiter caps requests in flight across clients, measured at the server', async (t) => {
  let inFlight = 0;
  let peak = 0;
  const server = http.createServer((req, res) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    setTimeout(() => {
      inFlight--;
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('[]');
    }, 20);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const limiter = createScmLimiter(4);
  const clients = [scmClient({ baseUrl, limiter }), scmClient({ baseUrl, limiter })];
  t.teardown(() => clients.forEach((client) => client.close()));

  await Promise.all(Array.from({ length: 40 }, (_, i) => clients[i % 2].listSslTypes()));
  t.equal(peak, 4, 'never more than the limit, and the limit is used');
  t.equal(limiter.inFlight, 0);
  t.equal(limiter.queued, 0);
});

t.test('createScmLimiter refuses a limit that is not a positive integer', async (t) => {
  t.throws(() => createScmLimiter(0), RangeError);
  t.throws(() => createScmLimiter(2.5), RangeError);
  t.equal(createScmLimiter().maxInFlight, 16);
});
