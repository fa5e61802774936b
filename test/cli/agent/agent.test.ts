import { X509Certificate } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Test } from 'tap';
import { t } from '../../helpers/suite.js';
import { certificateMatchesKey } from '../../../src/pki/index.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { countLines, logLines, runAgentOnce, snapshot, startAgent, startAgentWorld } from '../../helpers/agent-harness.js';
import { opensslVerify } from '../../helpers/openssl-verify.js';

// The renewer passes every second and syncs auto-renew records once a second,
// so SCM's out-of-band changes reach the server the way they do in production,
// only faster. Records enrolled without auto-renew are left to the agent's reads.
const world = await startAgentWorld(t, { renewer_interval: 1, sync_interval: 1 });
const { sim, server } = world;
const FILES = ['cert.pem', 'key.pem', 'chain.pem', 'fullchain.pem'];

/** One deployment: a directory with its agent config, files and reload log. */
async function deployment(label: string, id: string, extra: Record<string, unknown> = {}) {
  const dir = await tempDir(t, `agent-${label}`);
  const tls = join(dir, 'tls');
  await mkdir(tls);
  const reloadLog = join(dir, 'reloads.log');
  const config = (overrides: Record<string, unknown> = {}) => ({
    vault_addr: server.url,
    token: server.token,
    retry_initial: '100ms',
    retry_max: '400ms',
    certificates: [{ path: `sectigo-vault-pki/certs/web/${id}`, dir: 'tls', reload_command: `echo reloaded >> "${reloadLog}"`, ...extra, ...overrides }],
  });
  return {
    dir,
    tls,
    files: FILES.map((name) => join(tls, name)),
    reloads: () => countLines(reloadLog),
    run: (overrides?: Record<string, unknown>) => runAgentOnce(dir, config(overrides)),
    config,
  };
}

type Deployment = Awaited<ReturnType<typeof deployment>>;

/** After one renewal: a further run rewrites nothing, reloads nothing and renews nothing. */
async function expectQuietRun(t: Test, site: Deployment, reloads: number) {
  const before = await snapshot(site.files);
  const run = await site.run();
  t.equal(run.code, 0, run.stderr);
  t.same(await snapshot(site.files), before, 'a further run rewrites nothing');
  t.equal(await site.reloads(), reloads, 'and reloads nothing');
  t.equal((await sim.controls.counters()).renewById, 1, 'and renews nothing');
}

const serialOf = (pem: string) => new X509Certificate(pem).serialNumber;
const daysLeftOf = (pem: string) => (Date.parse(new X509Certificate(pem).validTo) - Date.now()) / 86_400_000;

const steady = await world.enroll({ sectigo_csr_domain: 'www.example.com' });
const steadyId = steady.cert_unique_id as string;
const site = await deployment('steady', steadyId);

t.test('the first run writes the four files, key 0600, a key that matches and a chain that verifies', async (t) => {
  const run = await site.run();
  t.equal(run.code, 0, run.stderr);
  t.equal(run.stderr, '');
  const [cert, key, chain, fullchain] = await Promise.all(site.files.map((file) => readFile(file, 'utf8')));
  t.equal((await stat(join(site.tls, 'key.pem'))).mode & 0o777, 0o600, 'key.pem is 0600');
  for (const name of ['cert.pem', 'chain.pem', 'fullchain.pem']) {
    t.equal((await stat(join(site.tls, name))).mode & 0o777, 0o644, `${name} is 0644`);
  }
  t.ok(certificateMatchesKey(cert, key), 'cert.pem belongs to key.pem');
  t.equal(serialOf(cert), serialOf(steady.leaf_certificate as string), 'the enrolled certificate');
  t.equal(fullchain, cert + chain, 'fullchain is leaf then chain');
  t.match(chain, /BEGIN CERTIFICATE/);

  const { output: verified } = await opensslVerify({ root: sim.caChainPem.root, intermediate: chain }, cert, 'cert.pem');
  t.match(verified, /cert\.pem: OK$/, 'openssl verifies cert.pem through chain.pem to the simulator root');

  t.equal(await site.reloads(), 1, 'the reload command ran once');
  const updated = logLines(run.stdout).find((line) => line.msg === 'certificate files updated');
  t.equal(updated?.cert_unique_id, steadyId);
  t.same(updated?.files, ['key.pem', 'cert.pem', 'chain.pem', 'fullchain.pem'].map((name) => join(site.tls, name)), 'key replaced first');
  t.notMatch(run.stdout, /PRIVATE KEY/, 'the key is never logged');
});

t.test('a run with nothing changed writes nothing and reloads nothing', async (t) => {
  const before = await snapshot(site.files);
  const run = await site.run();
  t.equal(run.code, 0, run.stderr);
  t.same(await snapshot(site.files), before, 'same content, mtime and inode for all four files');
  t.equal(await site.reloads(), 1, 'no second reload');
  t.ok(logLines(run.stdout).some((line) => line.msg === 'certificate unchanged'));
});

t.test('a certificate inside its window is renewed, rewritten and reloaded exactly once', async (t) => {
  await sim.controls.resetCounters();
  const keyBefore = await stat(join(site.tls, 'key.pem'));
  const oldSerial = serialOf(await readFile(join(site.tls, 'cert.pem'), 'utf8'));

  const renewing = await site.run({ expiry_window_days: 364 });
  t.equal(renewing.code, 0, renewing.stderr);
  t.equal((await sim.controls.counters()).renewById, 1, 'one renewal at SCM');
  const [cert, key] = await Promise.all([readFile(join(site.tls, 'cert.pem'), 'utf8'), readFile(join(site.tls, 'key.pem'), 'utf8')]);
  t.not(serialOf(cert), oldSerial, 'cert.pem holds the renewed certificate');
  t.ok(certificateMatchesKey(cert, key));
  t.equal((await stat(join(site.tls, 'key.pem'))).mtimeMs, keyBefore.mtimeMs, 'SCM renewed with the same key: key.pem was not rewritten');
  t.equal(await site.reloads(), 2, 'one reload for the renewal');
  t.match(renewing.stdout, /was renewed/, 'the server warning is logged');

  // Back to the record's own 30-day window: the renewed certificate has a year left.
  await expectQuietRun(t, site, 2);
});

t.test('a certificate still being issued at SCM fails the run and writes nothing', async (t) => {
  await sim.controls.updateSettings({ issueDelayMs: 600_000 });
  t.teardown(() => sim.controls.updateSettings({ issueDelayMs: 0 }));
  const pending = await world.enroll({ sectigo_csr_domain: 'slow.example.com', sectigo_max_timeout: 0 });
  const slow = await deployment('pending', pending.cert_unique_id as string, { collect_timeout: '200ms' });
  const run = await slow.run();
  t.equal(run.code, 2);
  t.match(run.stderr, /certificate is not issued \(status (Applied|TimedoutStateSaved)\); keeping the current files/);
  for (const file of slow.files) await t.rejects(stat(file), { code: 'ENOENT' }, 'nothing written');
  t.equal(await slow.reloads(), 0, 'no reload');
});

t.test('a forced expiry at SCM: the agent deploys the renewed certificate, not the expiring one', async (t) => {
  // SCM holds the order until it issues it already expiring, so the first certificate the server can collect is the expiring one.
  await sim.controls.updateSettings({ issueDelayMs: 600_000 });
  const pending = await world.enroll({ sectigo_csr_domain: 'api.example.com', sectigo_max_timeout: 0 });
  await sim.controls.updateSettings({ issueDelayMs: 0 });
  const expiring = await sim.controls.expireSsl(pending.ssl_id as number, 5);
  await sim.controls.resetCounters();
  const id = pending.cert_unique_id as string;
  const api = await deployment('expiry', id);

  const run = await api.run();
  t.equal(run.code, 0, run.stderr);
  t.equal((await sim.controls.counters()).renewById, 1, 'renewed once at SCM');
  const cert = await readFile(join(api.tls, 'cert.pem'), 'utf8');
  t.ok(daysLeftOf(cert) > 300, `cert.pem is the renewed certificate, not the one expiring ${expiring.notAfter}`);
  const stored = await world.storedRecord(id);
  t.ok(daysLeftOf(stored.leaf_certificate as string) < 6, 'the server did collect the expiring certificate first');
  t.equal(stored.renewed_to, logLines(run.stdout).find((line) => line.msg === 'certificate files updated')?.cert_unique_id, 'the files are the renewed record');
  t.equal(await api.reloads(), 1, 'one reload');

  await expectQuietRun(t, api, 1);
});

/** Polls until `probe` returns a value, for what the server does in the background. */
async function eventually<T>(probe: () => Promise<T | null | undefined>, timeoutMs = 15_000): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 100))) {
    const value = await probe();
    if (value !== null && value !== undefined) return value;
  }
  throw new Error(`nothing after ${timeoutMs} ms`);
}

t.test('a forced expiry at SCM after the first run: the server\'s background sync renews it, and the next run deploys the renewal and reloads exactly once', async (t) => {
  const enrolled = await world.enroll({ sectigo_csr_domain: 'shop.example.com', sectigo_auto_renew: true });
  const id = enrolled.cert_unique_id as string;
  const shop = await deployment('sync', id);
  const first = await shop.run();
  t.equal(first.code, 0, first.stderr);
  t.equal(await shop.reloads(), 1, 'the first run wrote the files and reloaded');
  const firstCert = await readFile(join(shop.tls, 'cert.pem'), 'utf8');

  await sim.controls.resetCounters();
  await sim.controls.expireSsl(enrolled.ssl_id as number, 5);
  // The renewer syncs the record (SCM re-issued it with 5 days left) and renews it in the same pass.
  const renewedId = await eventually(async () => (await world.storedRecord(id)).renewed_to as string | null);
  const old = await world.storedRecord(id);
  t.match(old.state, [{ status: 'Applied' }, { status: 'Issued' }, { status: 'Issued', description: /^re-issued at SCM/ }, { status: 'Renewed' }]);

  const run = await shop.run();
  t.equal(run.code, 0, run.stderr);
  t.equal((await sim.controls.counters()).renewById, 1, 'renewed once at SCM');
  const [cert, key] = await Promise.all([readFile(join(shop.tls, 'cert.pem'), 'utf8'), readFile(join(shop.tls, 'key.pem'), 'utf8')]);
  t.not(serialOf(cert), serialOf(firstCert), 'cert.pem was rewritten');
  t.ok(daysLeftOf(cert) > 300, 'with the renewed certificate');
  t.ok(certificateMatchesKey(cert, key), 'which matches key.pem');
  t.equal(logLines(run.stdout).find((line) => line.msg === 'certificate files updated')?.cert_unique_id, renewedId);
  t.equal(await shop.reloads(), 2, 'one reload for the renewal');

  await expectQuietRun(t, shop, 2);
});

t.test('a failing reload command fails the run, keeps the new files, and is retried until it succeeds', async (t) => {
  const other = await world.enroll({ sectigo_csr_domain: 'mail.example.com' });
  const mail = await deployment('reload', other.cert_unique_id as string);
  const failing = await mail.run({ reload_command: 'echo "nginx: [emerg] bad config" >&2; exit 3' });
  t.equal(failing.code, 2);
  t.match(failing.stderr, /reload command failed \(exit 3\): nginx: \[emerg\] bad config; the new files are in place/);
  t.ok(certificateMatchesKey(await readFile(mail.files[0], 'utf8'), await readFile(mail.files[1], 'utf8')));

  const before = await snapshot(mail.files);
  const fixed = await mail.run();
  t.equal(fixed.code, 0, fixed.stderr);
  t.equal(await mail.reloads(), 1, 'the owed reload ran although no file changed');
  t.same(await snapshot(mail.files), before, 'and nothing was rewritten');
  const calm = await mail.run();
  t.equal(calm.code, 0, calm.stderr);
  t.equal(await mail.reloads(), 1, 'then no more reloads');
});

t.test('a path without a certificate fails clearly and writes nothing', async (t) => {
  const missing = await deployment('missing', '999999_demo');
  const run = await missing.run();
  t.equal(run.code, 2);
  t.match(run.stderr, /certs\/web\/999999_demo: Error making API request\.[\s\S]*Code: 404/);
  for (const file of missing.files) await t.rejects(stat(file), { code: 'ENOENT' });
});

t.test('with the server stopped: files intact, -once exits non-zero, the long-running agent backs off and stops on SIGTERM', async (t) => {
  const before = await snapshot(site.files);
  await server.close();

  const run = await site.run();
  t.equal(run.code, 2, 'non-zero exit');
  t.match(run.stderr, new RegExp(`^scmpki agent: sectigo-vault-pki/certs/web/${steadyId}: GET ".*": connect ECONNREFUSED`));
  t.same(await snapshot(site.files), before, 'old files kept, untouched');
  t.match(logLines(run.stdout)[0], { msg: 'certificate not updated; keeping the current files', server_unreachable: true });

  const file = join(site.dir, 'loop.json');
  await writeFile(file, JSON.stringify(site.config()));
  const agent = startAgent(site.dir, file);
  const failures = await agent.waitForLogs('certificate not updated; keeping the current files', 4);
  t.same(failures.slice(0, 4).map((line) => line.retry_in_seconds), [0.1, 0.2, 0.4, 0.4], 'exponential backoff, capped at retry_max');
  const stopped = await agent.stop('SIGTERM');
  t.equal(stopped.code, 0, 'clean exit on SIGTERM');
  t.ok(logLines(stopped.stdout).some((line) => line.msg === 'agent stopped'));
  t.same(await snapshot(site.files), before, 'still untouched');
});
