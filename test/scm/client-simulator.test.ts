/**
 * The SCM client against the real simulator over real HTTP: every endpoint
 * the engine uses, the pending→issued collect cycle, auth failures, and the
 * global in-flight limit measured at the server side.
 */
import 'reflect-metadata';
import { t } from '../helpers/suite.js';
import http from 'node:http';
import { X509Certificate } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestSimulator } from '../helpers/test-simulator.js';
import { buildCsr, generateKeyPair } from '../../src/pki/index.js';
import { ScmClient, ScmError, classifyCollectError, createScmLimiter, type ScmClientOptions } from '../../src/scm/index.js';
import { SIMULATOR_AUTH } from '../helpers/scm-connection.js';

const sim = await startTestSimulator(t, { issueDelayMs: 300 });

const clients: ScmClient[] = [];
function client(overrides: Partial<ScmClientOptions> = {}): ScmClient {
  const created = new ScmClient({
    baseUrl: sim.url,
    auth: SIMULATOR_AUTH,
    retry: { retries: 2, baseDelayMs: 5, maxDelayMs: 20 },
    ...overrides,
  });
  clients.push(created);
  return created;
}
t.teardown(() => clients.forEach((c) => c.close()));

const key = await generateKeyPair({ algorithm: 'EC', curve: 'P-256' });
async function csrFor(commonName: string, subjectAltNames: string[] = [commonName]): Promise<string> {
  return buildCsr({ privateKeyPem: key.privateKeyPem, subject: { commonName }, subjectAltNames });
}

/** Collects until issued, asserting that every failure on the way is a pending form. */
async function collectWhenIssued(t: { fail(message: string): void }, collect: () => Promise<string>): Promise<string> {
  for (let i = 0; i < 100; i++) {
    try {
      return await collect();
    } catch (err) {
      if (classifyCollectError(err) !== 'pending') throw err;
    }
    await sleep(100);
  }
  t.fail('certificate was never issued');
  return '';
}

const ssl = client();

async function issuedSslOrder(t: { fail(message: string): void }, commonName: string): Promise<number> {
  const { sslId } = await ssl.enrollSsl({ orgId: sim.orgId, csr: await csrFor(commonName), certType: 2001, term: 365 });
  await collectWhenIssued(t, () => ssl.collectSsl(sslId, 'x509CO'));
  return sslId;
}

t.test('types, custom fields and organizations', async (t) => {
  const types = await ssl.listSslTypes(sim.orgId);
  t.ok(types.some((p) => p.id === 2001 && p.terms.includes(365)), 'SSL profile 2001 offered');
  t.ok((await ssl.listSmimeTypes()).some((p) => p.id === 3001));
  t.ok(Array.isArray(await ssl.listSslCustomFields()));
  const orgs = await ssl.listOrganizations();
  const org = orgs.find((o) => o.id === sim.orgId);
  t.ok(org, 'the seeded organization is listed');
  t.ok(org?.departments.some((d) => d.id === 1002), 'with its department');
});

t.test('SSL enroll, collect pending then issued, details, list', async (t) => {
  const { sslId, renewId } = await ssl.enrollSsl({
    orgId: sim.orgId,
    csr: await csrFor('www.client-test.example', ['www.client-test.example']),
    certType: 2001,
    term: 365,
    subjAltNames: 'www.client-test.example,api.client-test.example',
    comments: 'scm client test',
  });
  t.type(sslId, 'number');
  t.type(renewId, 'string');

  const early = await ssl.collectSsl(sslId, 'x509CO').catch((err: unknown) => err);
  t.ok(early instanceof ScmError, 'collect right after enroll fails');
  t.equal(classifyCollectError(early), 'pending', `…with a pending form: ${(early as ScmError).message}`);

  const pem = await collectWhenIssued(t, () => ssl.collectSsl(sslId, 'x509CO'));
  const cert = new X509Certificate(pem);
  t.match(cert.subject, /CN=www\.client-test\.example/);
  t.match(cert.subjectAltName ?? '', /api\.client-test\.example/);
  t.ok(cert.checkPrivateKey(await import('node:crypto').then((c) => c.createPrivateKey(key.privateKeyPem))), 'issued for our key');

  const der = Buffer.from(await ssl.collectSsl(sslId, 'bin'), 'base64');
  t.equal(der[0], 0x30, 'bin comes back as base64 of DER');
  t.match(await ssl.collectSsl(sslId), /BEGIN PKCS7/, 'default format is PKCS#7 PEM');

  const details = await ssl.getSsl(sslId);
  t.match(details, { id: sslId, status: 'Issued', commonName: 'www.client-test.example' });

  const page = await ssl.listSsl({ commonName: 'www.client-test.example', size: 10 });
  t.ok(page.items.some((item) => item.sslId === sslId));
  t.type(page.total, 'number');
});

t.test('SSL revoke, renewById, renew, replace', async (t) => {
  const revoked = await issuedSslOrder(t, 'revoke.client-test.example');
  await ssl.revokeSsl(revoked, { reasonCode: 4, reason: 'superseded' });
  t.equal((await ssl.getSsl(revoked)).status, 'Revoked');
  await t.rejects(ssl.revokeSsl(revoked, { reason: 'again' }), { httpStatus: 400, code: -159 }, 'already revoked: SCM says so');

  const original = await issuedSslOrder(t, 'renew.client-test.example');
  const { sslId: renewedId } = await ssl.renewSslById(original);
  t.type(renewedId, 'number');
  t.not(renewedId, original, 'renewById places a new order');
  t.match(await collectWhenIssued(t, () => ssl.collectSsl(renewedId as number, 'x509CO')), /BEGIN CERTIFICATE/);

  const byRenewId = await ssl.enrollSsl({ orgId: sim.orgId, csr: await csrFor('renewid.client-test.example'), certType: 2001, term: 365 });
  await collectWhenIssued(t, () => ssl.collectSsl(byRenewId.sslId, 'x509CO'));
  await sim.controls.resetCounters();
  await ssl.renewSsl(byRenewId.renewId as string);
  t.match(await sim.controls.counters(), { renew: 1 });

  const replaced = await issuedSslOrder(t, 'replace.client-test.example');
  await ssl.replaceSsl(replaced, {
    csr: await csrFor('replace.client-test.example'),
    reason: 'key rotation',
    subjectAlternativeNames: ['replace.client-test.example', 'alt.client-test.example'],
  });
  const reissued = await collectWhenIssued(t, () => ssl.collectSsl(replaced, 'x509CO'));
  t.match(new X509Certificate(reissued).subjectAltName ?? '', /alt\.client-test\.example/, 'same sslId, new certificate');
});

t.test('approve and decline in approval-required mode', async (t) => {
  await sim.controls.updateSettings({ approvalRequired: true });
  t.teardown(() => sim.controls.updateSettings({ approvalRequired: false }));
  const approved = await ssl.enrollSsl({ orgId: sim.orgId, csr: await csrFor('approve.client-test.example'), certType: 2001, term: 365 });
  const declined = await ssl.enrollSsl({ orgId: sim.orgId, csr: await csrFor('decline.client-test.example'), certType: 2001, term: 365 });
  t.equal((await ssl.getSsl(approved.sslId)).status, 'Requested');
  await ssl.approveSsl(approved.sslId, 'looks good');
  await ssl.declineSsl(declined.sslId, 'not ours');
  t.match(await collectWhenIssued(t, () => ssl.collectSsl(approved.sslId, 'x509CO')), /BEGIN CERTIFICATE/);
  t.equal((await ssl.getSsl(declined.sslId)).status, 'Declined');
});

t.test('S/MIME enroll, collect pending then issued, revoke, renew, replace', async (t) => {
  const csr = await buildCsr({ privateKeyPem: key.privateKeyPem, subject: { commonName: 'Ada Lovelace' } });
  const order = await ssl.enrollSmime({
    orgId: sim.orgId,
    csr,
    certType: 3001,
    term: 365,
    email: 'ada@client-test.example',
    firstName: 'Ada',
    lastName: 'Lovelace',
  });
  t.type(order.orderNumber, 'number');
  t.type(order.backendCertId, 'string');
  const early = await ssl.collectSmime(order.backendCertId).catch((err: unknown) => err);
  t.equal(classifyCollectError(early), 'pending', `not collectable yet: ${(early as Error).message}`);
  t.match(await collectWhenIssued(t, () => ssl.collectSmime(order.backendCertId)), /BEGIN PKCS7/);

  const renewed = await ssl.renewSmime(order.backendCertId);
  t.not(renewed.backendCertId, order.backendCertId, 'renewal is a new order');
  await collectWhenIssued(t, () => ssl.collectSmime(renewed.backendCertId, 'x509CO'));

  await ssl.replaceSmime(renewed.backendCertId, { csr, reason: 'new device' });
  await ssl.revokeSmime(order.backendCertId, { reason: '' });
  const revokedCollect = await ssl.collectSmime(order.backendCertId).catch((err: unknown) => err);
  t.equal(classifyCollectError(revokedCollect), 'failed', `a revoked certificate cannot be collected: ${(revokedCollect as Error).message}`);
});

t.test('bad credentials are ScmError -16 with HTTP 401', async (t) => {
  const wrong = client({ auth: { ...SIMULATOR_AUTH, password: 'wrong' } });
  await t.rejects(wrong.listSslTypes(), { name: 'ScmError', httpStatus: 401, code: -16, description: 'Unknown user', transport: false });
  const wrongSecret = client({ auth: { type: 'oauth2', clientId: 'demo', clientSecret: 'wrong', tokenUrl: `${sim.url}/auth/realms/apiclients/protocol/openid-connect/token` } });
  await t.rejects(wrongSecret.listSslTypes(), { httpStatus: 401, code: -16 });
});

t.test('OAuth2 against the simulator: token reused, refreshed after the server expires it', async (t) => {
  const oauth = client({ auth: { type: 'oauth2', clientId: 'demo', clientSecret: 'demo', tokenUrl: `${sim.url}/auth/realms/apiclients/protocol/openid-connect/token` } });
  await sim.controls.resetCounters();
  await oauth.listSslTypes();
  await oauth.listOrganizations();
  await sim.controls.expireTokens();
  await oauth.listSslTypes();
  const counters = await sim.controls.counters();
  t.equal(counters.types, 3, 'the call after expiry was retried with a new token');
  t.equal(counters.organizations, 1);
});

t.test('5xx from the simulator: a read is retried, an enroll is not', async (t) => {
  await sim.controls.resetCounters();
  await sim.controls.addFault({ kind: 'error', endpoint: 'types', status: 503, count: 1 });
  t.ok(Array.isArray(await ssl.listSslTypes()));
  await sim.controls.addFault({ kind: 'error', endpoint: 'enroll', status: 500, code: -2, description: 'Internal error.', count: 1 });
  await t.rejects(ssl.enrollSsl({ orgId: sim.orgId, csr: await csrFor('fault.client-test.example'), certType: 2001, term: 365 }), { httpStatus: 500, code: -2 });
  t.match(await sim.controls.counters(), { types: 2, enroll: 1 });
  await sim.controls.clearFaults();
});

t.test('429 with Retry-After from the simulator is waited out and retried', async (t) => {
  await sim.controls.resetCounters();
  await sim.controls.addFault({ kind: 'rateLimit', endpoint: 'organizations', retryAfterSeconds: 1, count: 1 });
  const started = Date.now();
  t.ok(Array.isArray(await ssl.listOrganizations()));
  t.ok(Date.now() - started >= 950, 'waited as SCM asked');
  t.match(await sim.controls.counters(), { organizations: 2 });
  await sim.controls.clearFaults();
});

t.test('100 concurrent calls with a limit of 16 never have more than 16 in flight at SCM', async (t) => {
  // The count is taken in front of the simulator, by a pass-through proxy, so
  // it measures what reaches SCM rather than what the client believes.
  const upstream = new URL(sim.url);
  let inFlight = 0;
  let peak = 0;
  const counting = http.createServer((req, res) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    res.on('close', () => inFlight--);
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent: false },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => counting.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    counting.closeAllConnections();
    counting.close();
  });
  await sim.controls.addFault({ kind: 'latency', endpoint: 'types', latencyMs: 40 });
  t.teardown(() => sim.controls.clearFaults());

  const limiter = createScmLimiter(16);
  const baseUrl = `http://127.0.0.1:${(counting.address() as AddressInfo).port}`;
  const shared = [client({ baseUrl, limiter }), client({ baseUrl, limiter })];
  const results = await Promise.all(Array.from({ length: 100 }, (_, i) => shared[i % 2].listSslTypes()));
  t.equal(results.length, 100);
  t.ok(results.every((types) => types.length > 0), 'every call answered');
  t.ok(peak <= 16, `peak in flight at the server: ${peak}`);
  t.ok(peak > 8, 'the limit is actually used, not serialised');
});
