import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { t } from '../helpers/suite.js';
import { parseGoDuration } from '../../src/cli/commands/scm-simulator.js';
import { parseListen, startSimulator } from '../../src/simulator/index.js';
import { SIMULATOR_LOGIN } from '../helpers/scm-connection.js';
import { enrollIssued, pemBlocks, scmCall } from '../helpers/scm-test-client.js';
import { opensslVerify } from '../helpers/openssl-verify.js';
import { startTestSimulator, testSimulatorCa } from '../helpers/test-simulator.js';

t.test('counters count calls per endpoint and reset', async (t) => {
  const sim = await startTestSimulator(t);
  const { sslId } = await enrollIssued(sim);
  await scmCall(sim, 'GET', `/api/ssl/v1/collect/${sslId}/x509CO`);
  await scmCall(sim, 'GET', `/api/ssl/v1/collect/${sslId}?format=pem`);
  await scmCall(sim, 'POST', `/api/ssl/v1/renewById/${sslId}`);
  t.same(await sim.controls.counters(), { enroll: 1, collect: 2, renewById: 1 });
  await sim.controls.resetCounters();
  t.same(await sim.controls.counters(), {});
  const notScm = await fetch(`${sim.url}/__simulator/counters`);
  t.same(await notScm.json(), {}, 'control calls are not counted');
});

t.test('faults: error with a count, 429 with Retry-After, latency, reset, scoped by endpoint or path', async (t) => {
  const sim = await startTestSimulator(t);
  await sim.controls.addFault({ kind: 'error', endpoint: 'types', count: 2, status: 503 });
  const first = await scmCall(sim, 'GET', '/api/ssl/v1/types');
  t.same([first.status, first.json.code], [503, -2]);
  t.equal((await scmCall(sim, 'GET', '/api/ssl/v1/types')).status, 503);
  t.equal((await scmCall(sim, 'GET', '/api/ssl/v1/types')).status, 200, 'the rule retires after its count');
  t.same(await sim.controls.faults(), []);

  await sim.controls.addFault({ kind: 'rateLimit', path: '^/api/organization/', retryAfterSeconds: 7, count: 1 });
  const limited = await scmCall(sim, 'GET', '/api/organization/v1');
  t.same([limited.status, limited.headers.get('retry-after')], [429, '7']);
  t.equal((await scmCall(sim, 'GET', '/api/ssl/v1/customFields')).status, 200, 'other paths untouched');

  await sim.controls.addFault({ kind: 'latency', endpoint: 'customFields', latencyMs: 150, count: 1 });
  const started = process.hrtime.bigint();
  t.equal((await scmCall(sim, 'GET', '/api/ssl/v1/customFields')).status, 200, 'latency then a normal answer');
  t.ok(process.hrtime.bigint() - started >= 140_000_000n, 'the delay was applied');

  await sim.controls.addFault({ kind: 'latency', endpoint: 'enroll', latencyMs: 400, afterHandling: true, count: 1 });
  const answered = enrollIssued(sim);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const placed = await scmCall(sim, 'GET', '/api/ssl/v1?commonName=app.example.com');
  t.equal(placed.json.length, 1, 'afterHandling: the order exists while its answer is still held back');
  t.ok((await answered).sslId, 'then the answer arrives');
  await t.rejects(sim.controls.addFault({ kind: 'error', afterHandling: true }), /afterHandling/);

  await sim.controls.addFault({ kind: 'reset', endpoint: 'enroll', count: 1 });
  await t.rejects(scmCall(sim, 'POST', '/api/ssl/v1/enroll', {}), 'connection reset without an answer');
  t.equal((await sim.controls.counters()).enroll, 2, 'a reset call still counts');

  await t.rejects(sim.controls.addFault({ kind: 'explode' } as never), /kind/);
  await t.rejects(sim.controls.addFault({ kind: 'error', path: '(' }), /regular expression/);
  await sim.controls.addFault({ kind: 'error', rate: 0 });
  t.equal((await scmCall(sim, 'GET', '/api/ssl/v1/types')).status, 200, 'rate 0 never fires');
  await sim.controls.clearFaults();
  t.same(await sim.controls.faults(), []);
});

t.test('force expiry re-issues with a near not_after; settings are validated', async (t) => {
  const sim = await startTestSimulator(t);
  const { sslId } = await enrollIssued(sim);
  const expired = await sim.controls.expireSsl(sslId, 5);
  const [leaf] = pemBlocks((await scmCall(sim, 'GET', `/api/ssl/v1/collect/${sslId}/x509CO`)).text);
  const daysLeft = (leaf.notAfter.getTime() - Date.now()) / 86_400_000;
  t.ok(daysLeft > 4.9 && daysLeft <= 5, `about 5 days left (${daysLeft})`);
  t.equal(new Date(expired.notAfter).getTime(), leaf.notAfter.getTime());
  await sim.controls.expireSsl(sslId, -1);
  t.equal((await scmCall(sim, 'GET', `/api/ssl/v1/${sslId}`)).json.status, 'Expired');
  const renewed = await scmCall(sim, 'POST', `/api/ssl/v1/renewById/${sslId}`);
  t.equal(renewed.status, 200, 'an expired certificate can be renewed');
  await t.rejects(sim.controls.expireSsl(123456, 1), /404/);

  await sim.controls.updateSettings({ issueDelayMs: 600_000 });
  const waiting = await enrollIssued(sim);
  t.equal((await scmCall(sim, 'GET', `/api/ssl/v1/${waiting.sslId}`)).json.status, 'Applied');
  const early = await sim.controls.expireSsl(waiting.sslId, 5);
  t.equal(early.status, 'Issued', 'an order still at the CA is issued at once, already expiring');
  const [first] = pemBlocks((await scmCall(sim, 'GET', `/api/ssl/v1/collect/${waiting.sslId}/x509CO`)).text);
  t.equal(first!.notAfter.getTime(), new Date(early.notAfter).getTime(), 'the first certificate SCM hands out is the expiring one');
  await sim.controls.updateSettings({ issueDelayMs: 0, approvalRequired: true });
  const unapproved = await enrollIssued(sim);
  await t.rejects(sim.controls.expireSsl(unapproved.sslId, 5), /409/, 'an order waiting for approval is not at the CA yet');
  await sim.controls.updateSettings({ approvalRequired: false });
  await t.rejects(sim.controls.updateSettings({ pendingStyle: 7 as never }), /400/);
  await t.rejects(sim.controls.updateSettings({ issueDelayMs: -1 }), /400/);
});

t.test('OAuth2: token endpoint, Bearer calls, 401 with WWW-Authenticate once tokens expire', async (t) => {
  const sim = await startTestSimulator(t, { clientId: 'app', clientSecret: 's3cret' });
  const token = async (body: string) =>
    fetch(`${sim.url}/auth/realms/apiclients/protocol/openid-connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
  const wrong = await token('grant_type=client_credentials&client_id=app&client_secret=nope');
  t.same([wrong.status, (await wrong.json()).error], [401, 'unauthorized_client']);
  const grant = await token('grant_type=password&client_id=app&client_secret=s3cret');
  t.same([grant.status, (await grant.json()).error], [400, 'unsupported_grant_type']);
  const ok = await token('grant_type=client_credentials&client_id=app&client_secret=s3cret');
  const { access_token, expires_in, token_type } = await ok.json();
  t.same([ok.status, expires_in, token_type], [200, 300, 'Bearer']);
  const bearer = { authorization: `Bearer ${access_token}` };
  t.equal((await scmCall(sim, 'GET', '/api/ssl/v1/types', undefined, bearer)).status, 200);
  await sim.controls.expireTokens();
  const expired = await scmCall(sim, 'GET', '/api/ssl/v1/types', undefined, bearer);
  t.same([expired.status, expired.json], [401, { code: -16, description: 'Unknown user' }]);
  t.match(expired.headers.get('www-authenticate'), /^Bearer authorization_uri="http:\/\/.+\/openid-connect\/token"$/);
});

t.test('a data dir keeps the CA and the orders across a restart', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'scmpki-sim-data-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const first = await startSimulator({ dataDir: dir, issueDelayMs: 0 });
  const { sslId } = await enrollIssued(first);
  const serial = (await scmCall(first, 'GET', `/api/ssl/v1/${sslId}`)).json.serialNumber;
  await first.close();
  const saved = await readFile(join(dir, 'scm-simulator.json'), 'utf8');
  t.ok(JSON.parse(saved).state.ssl.length === 1);

  const second = await startSimulator({ dataDir: dir, issueDelayMs: 0 });
  t.teardown(() => second.close());
  t.equal(second.caChainPem.root, first.caChainPem.root, 'same root CA');
  t.equal((await scmCall(second, 'GET', `/api/ssl/v1/${sslId}`)).json.serialNumber, serial);
  const next = await enrollIssued(second);
  t.ok(next.sslId > sslId, 'ids continue after the restart');
});

t.test('a simulator given a CA signs with it; a CA saved in its data dir wins over the one given', async (t) => {
  const given = await testSimulatorCa();
  const sim = await startTestSimulator(t, { ca: given });
  t.equal(sim.caChainPem.root, given.rootCertificate, 'the given root');
  t.equal(sim.caChainPem.intermediate, given.intermediateCertificate, 'the given intermediate');
  const { sslId } = await enrollIssued(sim);
  const leaf = (await scmCall(sim, 'GET', `/api/ssl/v1/collect/${sslId}/x509CO`)).text;
  const { output } = await opensslVerify({ root: given.rootCertificate, intermediate: given.intermediateCertificate }, leaf, 'leaf');
  t.match(output, /leaf: OK$/, 'its leaves verify to the given root');

  const dir = await mkdtemp(join(tmpdir(), 'scmpki-sim-data-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const first = await startSimulator({ dataDir: dir, issueDelayMs: 0 });
  const saved = first.caChainPem.root;
  await first.close();
  const second = await startSimulator({ dataDir: dir, issueDelayMs: 0, ca: given });
  t.teardown(() => second.close());
  t.equal(second.caChainPem.root, saved, 'the saved root, not the given one');
  t.not(saved, given.rootCertificate);
});

t.test('Go-style durations and listen addresses', async (t) => {
  t.equal(parseGoDuration('2s'), 2000);
  t.equal(parseGoDuration('500ms'), 500);
  t.equal(parseGoDuration('1m30s'), 90_000);
  t.equal(parseGoDuration('0'), 0);
  t.throws(() => parseGoDuration('2 seconds'), /invalid duration/);
  t.throws(() => parseGoDuration('5'), /invalid duration/);
  t.same(parseListen('127.0.0.1:8201'), { host: '127.0.0.1', port: 8201 });
  t.same(parseListen('[::1]:0'), { host: '::1', port: 0 });
  t.same(parseListen(':8201'), { host: '0.0.0.0', port: 8201 });
  t.throws(() => parseListen('localhost'), /invalid listen address/);
});

t.test('scm-simulator command serves SCM with the flags given and stops on SIGTERM', async (t) => {
  const script = `import { runSimulatorCommand } from './src/cli/commands/scm-simulator.ts';
process.exitCode = await runSimulatorCommand(process.argv.slice(1), { stdout: process.stdout, stderr: process.stderr, env: process.env, readStdin: async () => '' });`;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script, '--', '-listen=127.0.0.1:0', '-login', 'ops', '-password=pw', '-customer-uri=acme', '-issue-delay=0s'],
    { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (c) => {
      stdout += c;
      // The start line names the address it bound; the base URL line, where to reach it.
      const match = /listening on 127\.0\.0\.1:(\d+)\n\s+SCM base URL:\s+(\S+)\/api/.exec(stdout);
      if (match) resolve(match[2]);
    });
    child.once('exit', (code) => reject(new Error(`exited early (${code}): ${stderr}`)));
  });
  const types = await fetch(`${url}/api/ssl/v1/types`, { headers: { login: 'ops', password: 'pw', customerUri: 'acme' } });
  t.equal(types.status, 200);
  const demo = await fetch(`${url}/api/ssl/v1/types`, { headers: SIMULATOR_LOGIN });
  t.equal(demo.status, 401, 'the default demo credentials were replaced');
  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  t.equal(code, 0);
});
