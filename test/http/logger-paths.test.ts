/**
 * sys/loggers on a real server with the SCM simulator behind it: read, set
 * and reset every logger or one, as Vault's API does; a level raised at run
 * time shows the debug lines at once, and none of them carries a password
 * or a private key.
 */
import { t } from '../helpers/suite.js';
import { SSL_CONFIG, sslEnroll } from '../helpers/engine-fixture.js';
import { startTestServer } from '../helpers/server-fixture.js';
import { simulatorConnection } from '../helpers/scm-connection.js';
import { startTestSimulator } from '../helpers/test-simulator.js';
import { engineCaller, vaultRequest } from '../helpers/vault-api.js';
import { runServerCommand } from '../../src/server/command.js';

const PASSWORD = 'Pw-for-logging-7f3a9c';
const sim = await startTestSimulator(t, { issueDelayMs: 100, password: PASSWORD });
const server = await startTestServer(t);
const { url, token: root } = server;
const call = (method: string, path: string, body?: unknown, token = root) => vaultRequest(url, token, method, `sys/${path}`, body);
const engine = engineCaller(url, root);
const NAMES = ['audit', 'collector', 'core', 'http', 'lifecycle', 'renewer', 'scm'];

const configured = await engine('POST', 'configs/web', { ...SSL_CONFIG, ...simulatorConnection(sim), sectigo_cm_password: PASSWORD });
if (configured.status !== 204) throw new Error(`config: ${configured.status} ${JSON.stringify(configured.body)}`);

/** Log lines written while `work` ran, parsed. */
async function linesDuring(work: () => Promise<void>): Promise<Array<Record<string, unknown>>> {
  const from = server.logLines.length;
  await work();
  return server.logLines.slice(from).map((line) => JSON.parse(line));
}

t.test('read, set and reset the level of every logger', async (t) => {
  const read = await call('GET', 'loggers');
  t.equal(read.status, 200);
  t.same(Object.keys(read.body.data).sort(), NAMES);
  // The test server logs at debug: that is the configured level DELETE goes back to.
  t.ok(Object.values(read.body.data).every((level) => level === 'debug'));

  t.equal((await call('POST', 'loggers', { level: 'warn' })).status, 204);
  t.ok(Object.values((await call('GET', 'loggers')).body.data).every((level) => level === 'warn'));
  t.equal((await call('PUT', 'loggers/scm', { level: 'trace' })).status, 204);
  t.same((await call('GET', 'loggers/scm')).body.data, { scm: 'trace' });
  t.same((await call('GET', 'loggers/core')).body.data, { core: 'warn' }, 'the others keep theirs');

  t.equal((await call('DELETE', 'loggers/scm')).status, 204);
  t.same((await call('GET', 'loggers/scm')).body.data, { scm: 'debug' }, 'one logger back to the configured level');
  t.equal((await call('DELETE', 'loggers')).status, 204);
  t.ok(Object.values((await call('GET', 'loggers')).body.data).every((level) => level === 'debug'), 'all back');
});

t.test('bad levels and names are refused, naming the field', async (t) => {
  const level = await call('POST', 'loggers', { level: 'verbose' });
  t.equal(level.status, 400);
  t.match(level.body.errors[0], /^level: /);
  t.match((await call('POST', 'loggers', {})).body.errors[0], /^level: is required/);
  const unknown = await call('POST', 'loggers/nobody', { level: 'debug' });
  t.equal(unknown.status, 400);
  t.match(unknown.body.errors[0], /^name: no logger "nobody" \(loggers: core, http, scm/);
  t.equal((await call('GET', 'loggers/nobody')).status, 404);
});

t.test('sys/loggers is root-protected: update without sudo is refused', async (t) => {
  await call('PUT', 'policies/acl/log-admin', { policy: 'path "sys/loggers*" { capabilities = ["read", "update", "delete"] }' });
  await call('PUT', 'policies/acl/log-sudo', { policy: 'path "sys/loggers*" { capabilities = ["read", "update", "delete", "sudo"] }' });
  const admin = (await vaultRequest(url, root, 'POST', 'auth/token/create', { policies: ['log-admin'] })).body.auth.client_token;
  const sudo = (await vaultRequest(url, root, 'POST', 'auth/token/create', { policies: ['log-sudo'] })).body.auth.client_token;
  t.equal((await call('POST', 'loggers', { level: 'info' }, admin)).status, 403);
  t.equal((await call('GET', 'loggers', undefined, admin)).status, 403);
  t.equal((await call('POST', 'loggers/http', { level: 'info' }, sudo)).status, 204);
  t.equal((await call('DELETE', 'loggers/http', undefined, sudo)).status, 204);
});

t.test('a level raised at run time shows debug lines at once, and none carries a secret', async (t) => {
  t.equal((await call('POST', 'loggers', { level: 'info' })).status, 204);
  const quiet = await linesDuring(async () => {
    t.equal((await engine('POST', 'enroll/web', sslEnroll('quiet.example.com'))).status, 200);
  });
  t.notOk(quiet.some((line) => line.level === 20), 'no debug line at info');

  t.equal((await call('POST', 'loggers/scm', { level: 'debug' })).status, 204);
  t.equal((await call('POST', 'loggers/lifecycle', { level: 'debug' })).status, 204);
  let privateKey = '';
  const loud = await linesDuring(async () => {
    const reply = await engine('POST', 'enroll/web', sslEnroll('loud.example.com'));
    t.equal(reply.status, 200);
    privateKey = reply.body.data.private_key;
  });
  const scm = loud.filter((line) => line.logger === 'scm' && line.msg === 'SCM request');
  t.ok(scm.some((line) => line.method === 'POST' && line.endpoint === '/ssl/v1/enroll' && line.status === 200 && typeof line.ms === 'number'), 'the enroll call, summarised');
  t.ok(scm.some((line) => line.endpoint === '/ssl/v1/collect/{id}'), 'the collect call, with its id templated');
  const stored = loud.filter((line) => line.logger === 'lifecycle' && line.msg === 'record stored');
  t.ok(stored.some((line) => line.to === 'Applied') && stored.some((line) => line.from === 'Applied' && line.to === 'Issued'), 'the record\'s state changes');
  t.notOk(loud.some((line) => line.logger === 'http' && line.level === 20), 'the http logger stayed at info');

  const text = server.logLines.join('\n');
  t.ok(privateKey.includes('PRIVATE KEY'));
  const keyBody = privateKey.split('\n').filter((line) => line !== '' && !line.startsWith('-----')).join('');
  t.notOk(text.includes(keyBody.slice(0, 64)) || text.includes('PRIVATE KEY'), 'no log line holds the private key');
  t.notOk(text.includes(PASSWORD), 'no log line holds the SCM password');
  t.notOk(text.includes(root), 'no log line holds the root token');
  await call('DELETE', 'loggers');
});

t.test('scmpki server -log-level takes only the levels log_level takes', async (t) => {
  const written: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => written.push(String(chunk)) > 0) as typeof process.stderr.write;
  const term = { stdout: { write: () => true }, stderr: { write: () => true }, env: {}, readStdin: async () => '' };
  try {
    t.equal(await runServerCommand(['-log-level=loud'], term), 1);
  } finally {
    process.stderr.write = write;
  }
  t.match(written.join(''), /log_level/);
});
