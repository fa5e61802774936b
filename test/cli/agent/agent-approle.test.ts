/**
 * The agent logging in itself with AppRole (`auth: {method: approle}`): the
 * built binary against a real server and SCM simulator, as in agent.test.ts.
 */
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { t } from '../../helpers/suite.js';
import { certificateMatchesKey } from '../../../src/pki/index.js';
import { logLines, runAgentOnce, startAgent, startAgentWorld } from '../../helpers/agent-harness.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { vaultRequest } from '../../helpers/vault-api.js';

const world = await startAgentWorld(t);
const { server } = world;
const root = (method: string, path: string, body?: unknown) => vaultRequest(server.url, server.token, method, path, body);

await root('POST', 'sys/auth/approle', { type: 'approle' });
await root('PUT', 'sys/policies/acl/web-certs', { policy: 'path "sectigo-vault-pki/certs/web/*" { capabilities = ["read"] }' });
const record = await world.enroll({ sectigo_csr_domain: 'agent.example.com' });
const certPath = `sectigo-vault-pki/certs/web/${record.cert_unique_id}`;

/** A role and a deployment directory holding its role ID and a fresh secret ID, as a provisioning tool leaves them. */
async function provisioned(role: string, roleFields: Record<string, unknown>) {
  await root('POST', `auth/approle/role/${role}`, { token_policies: 'web-certs', ...roleFields });
  const dir = await tempDir(t, `agent-${role}`);
  await mkdir(join(dir, 'tls'));
  const roleId = (await root('GET', `auth/approle/role/${role}/role-id`)).body.data.role_id;
  const secretId = (await root('POST', `auth/approle/role/${role}/secret-id`, {})).body.data.secret_id as string;
  await writeFile(join(dir, 'role-id'), `${roleId}\n`);
  await writeFile(join(dir, 'secret-id'), `${secretId}\n`, { mode: 0o600 });
  const config = {
    vault_addr: server.url,
    auth: { method: 'approle', role_id_file: 'role-id', secret_id_file: 'secret-id' },
    interval: '1s',
    retry_initial: '100ms',
    retry_max: '400ms',
    certificates: [{ path: certPath, dir: 'tls' }],
  };
  return { dir, secretId, config };
}

t.test('-once: logs in with the files, removes the secret ID file, and puts the certificate on disk', async (t) => {
  const { dir, secretId, config } = await provisioned('once', { secret_id_num_uses: 1 });
  const run = await runAgentOnce(dir, config);
  t.equal(run.code, 0, run.stderr);
  const [cert, key] = await Promise.all(['cert.pem', 'key.pem'].map((name) => readFile(join(dir, 'tls', name), 'utf8')));
  t.ok(certificateMatchesKey(cert, key), 'cert.pem belongs to key.pem');
  t.equal(cert.trim(), String(record.leaf_certificate).trim());
  await t.rejects(access(join(dir, 'secret-id')), { code: 'ENOENT' }, 'remove_secret_id_file_after_reading defaults to true');
  const loggedIn = logLines(run.stdout).find((line) => line.msg === 'logged in with AppRole');
  t.match(loggedIn, { policies: ['default', 'web-certs'], lease_duration: 768 * 3600 });
  t.notOk(run.stdout.includes(secretId) || run.stderr.includes(secretId), 'the secret ID is never logged');

  const again = await runAgentOnce(dir, config);
  t.equal(again.code, 2, 'a second process has no secret ID left');
  t.match(again.stderr, /the secret ID file .*secret-id is missing or empty/);
});

t.test('-once: a refused login fails the run with the server\'s words and writes nothing', async (t) => {
  const { dir, config } = await provisioned('refused', {});
  await writeFile(join(dir, 'secret-id'), 'not-the-secret-id\n');
  const run = await runAgentOnce(dir, { ...config, auth: { ...config.auth, remove_secret_id_file_after_reading: false } });
  t.equal(run.code, 2);
  t.match(run.stderr, /invalid role or secret ID/);
  await t.rejects(access(join(dir, 'tls', 'cert.pem')), { code: 'ENOENT' });
  t.equal(await readFile(join(dir, 'secret-id'), 'utf8'), 'not-the-secret-id\n', 'kept when removal is off');
});

t.test('long-running: logs in again when the token is revoked (403) and before it expires', async (t) => {
  // A short ttl, so logins come every 4 s; long enough that a stalled machine cannot let one lapse between two passes.
  const ttlSeconds = 6;
  const { dir, config } = await provisioned('steady', { token_ttl: `${ttlSeconds}s`, token_max_ttl: '1h' });
  const file = join(dir, 'agent.json');
  await writeFile(file, JSON.stringify(config));
  const agent = startAgent(dir, file);
  const [first] = await agent.waitForLogs('logged in with AppRole', 1);
  await agent.waitForLogs('certificate files updated', 1);
  t.equal(first!.lease_duration, ttlSeconds);
  await agent.waitForLogs('logged in with AppRole', 2);
  t.notOk(logLines(agent.run.stdout).some((line) => line.msg === 'the server refused the token; logging in again'), 'the second login came before expiry, not after a refusal');

  await root('POST', 'auth/approle/role/steady', { token_ttl: '1h' });
  // Logins go on every 4 s until one gets the new ttl; that token stays the agent's until it is refused.
  let current: Record<string, unknown> | undefined;
  for (let count = 3; !current; count += 1) current = (await agent.waitForLogs('logged in with AppRole', count)).find((line) => line.lease_duration === 3600);
  const logins = logLines(agent.run.stdout).filter((line) => line.msg === 'logged in with AppRole').length;
  t.equal((await root('POST', 'auth/token/revoke-accessor', { accessor: current.accessor })).status, 204);
  await agent.waitForLogs('the server refused the token; logging in again', 1);
  await agent.waitForLogs('logged in with AppRole', logins + 1);
  const unchanged = logLines(agent.run.stdout).filter((line) => line.msg === 'certificate unchanged').length;
  await agent.waitForLogs('certificate unchanged', unchanged + 1);
  const stopped = await agent.stop('SIGTERM');
  t.equal(stopped.code, 0);
  t.notMatch(stopped.stdout, /"level":50/, 'no pass failed: the refused read was retried after the new login');
});
