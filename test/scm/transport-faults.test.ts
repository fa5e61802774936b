/**
 * Which transport failures prove the request never reached SCM (notSent),
 * and what a failure says: a timeout after SCM accepted the order is "no
 * answer", never "SCM unreachable". Real HTTP to the simulator.
 */
import 'reflect-metadata';
import { t } from '../helpers/suite.js';
import { startTestSimulator } from '../helpers/test-simulator.js';
import { buildCsr, generateKeyPair } from '../../src/pki/index.js';
import { ScmClient, ScmError } from '../../src/scm/index.js';
import { scmErrorFromTransport } from '../../src/scm/error-mapping.js';
import { SIMULATOR_AUTH } from '../helpers/scm-connection.js';

const sim = await startTestSimulator(t, { issueDelayMs: 300 });
const key = await generateKeyPair({ algorithm: 'EC', curve: 'P-256' });

t.test('a timeout after SCM placed the order says no answer, and is not notSent', async (t) => {
  const client = new ScmClient({ baseUrl: sim.url, auth: SIMULATOR_AUTH, timeoutMs: 300 });
  t.teardown(() => client.close());
  await sim.controls.resetCounters();
  await sim.controls.addFault({ kind: 'latency', endpoint: 'enroll', latencyMs: 1500, afterHandling: true, count: 1 });
  const csr = await buildCsr({ privateKeyPem: key.privateKeyPem, subject: { commonName: 'slow.example.com' }, subjectAltNames: ['slow.example.com'] });
  const error = await client.enrollSsl({ orgId: sim.orgId, csr, certType: 2001, term: 365 }).then(
    () => undefined,
    (err: unknown) => err,
  );
  t.ok(error instanceof ScmError, 'an ScmError');
  const scm = error as ScmError;
  t.equal(scm.transport, true);
  t.equal(scm.notSent, false, 'the request went out');
  t.match(scm.message, /^no answer from SCM: no answer within 300 ms; the request may have reached SCM/);
  t.notMatch(scm.message, /unreachable/);
  t.equal((await sim.controls.counters()).enroll, 1, 'SCM did place the order: exactly why "unreachable" would be wrong');
});

t.test('a refused connection is notSent and "SCM unreachable"', async (t) => {
  const client = new ScmClient({ baseUrl: 'http://127.0.0.1:1', auth: SIMULATOR_AUTH, retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 } });
  t.teardown(() => client.close());
  await t.rejects(client.listSslTypes(), { transport: true, notSent: true, message: /^SCM unreachable: .*ECONNREFUSED/ });
});

t.test('socket codes: refused, DNS and TLS refusals are notSent; resets and timeouts are not', async (t) => {
  const withCode = (code: string) => Object.assign(new Error(`connect ${code}`), { code });
  for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'DEPTH_ZERO_SELF_SIGNED_CERT']) {
    t.equal(scmErrorFromTransport(withCode(code)).error.notSent, true, code);
  }
  for (const code of ['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNABORTED']) {
    t.equal(scmErrorFromTransport(withCode(code)).error.notSent, false, code);
  }
});

t.test("SCM's 429 carries Retry-After in seconds", async (t) => {
  const client = new ScmClient({ baseUrl: sim.url, auth: SIMULATOR_AUTH });
  t.teardown(() => client.close());
  await sim.controls.addFault({ kind: 'rateLimit', endpoint: 'enroll', retryAfterSeconds: 9, count: 1 });
  const csr = await buildCsr({ privateKeyPem: key.privateKeyPem, subject: { commonName: 'busy.example.com' }, subjectAltNames: ['busy.example.com'] });
  await t.rejects(client.enrollSsl({ orgId: sim.orgId, csr, certType: 2001, term: 365 }), { name: 'ScmError', httpStatus: 429, retryAfterSeconds: 9, transport: false });
});
