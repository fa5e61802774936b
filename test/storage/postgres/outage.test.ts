/**
 * PostgreSQL going away under a running server, and a server started while
 * it is away: in a private cluster this file stops and starts (the
 * PostgreSQL pass's shared cluster must stay up), so this folder runs once,
 * in the first pass of `npm test`, whatever SCMPKI_TEST_STORAGE says.
 */
import { t } from '../../helpers/suite.js';
import { startTestServer } from '../../helpers/server-fixture.js';
import { startPostgresCluster } from '../../helpers/postgres-cluster.js';
import { vaultRequest } from '../../helpers/vault-api.js';
import { waitFor } from '../../helpers/wait-for.js';

const POLICY = { policy: 'path "sectigo-vault-pki/certs/*" { capabilities = ["read"] }' };

const cluster = await startPostgresCluster();
t.teardown(() => cluster.destroy());

t.test('PostgreSQL going away answers 503 saying so; the server logs it and recovers when PostgreSQL is back', async (t) => {
  const url = await cluster.createDatabase();
  const password = new URL(url).password;
  const server = await startTestServer(t, { storage_backend: 'postgresql', storage_connection_url: url });
  const writePolicy = (name: string) => vaultRequest(server.url, server.token, 'PUT', `sys/policies/acl/${name}`, POLICY);
  t.equal((await writePolicy('before')).status, 204);

  await cluster.stop();
  const write = await writePolicy('during');
  t.equal(write.status, 503, 'a write while PostgreSQL is down');
  t.match(write.body.errors[0], /^storage unavailable: PostgreSQL at 127\.0\.0\.1:\d+\/scmpki_test_\w+ did not answer \(.+\); try again once it is back$/);
  const read = await vaultRequest(server.url, server.token, 'GET', 'sys/policies/acl/never-written');
  t.equal(read.status, 503, 'a read that misses the cache');
  t.ok(server.logLines.some((line) => line.includes('"level":50') && line.includes('storage unavailable')), 'the server logs an error');

  await cluster.start();
  await waitFor('writes to succeed again', async () => ((await writePolicy('after')).status === 204 ? true : undefined));
  t.equal((await vaultRequest(server.url, server.token, 'GET', 'sys/policies/acl/after')).status, 200);
  t.equal((await vaultRequest(server.url, server.token, 'GET', 'sys/policies/acl/during')).status, 404, 'the write answered 503 did not land');
  t.ok(server.logLines.every((line) => !line.includes(password)), 'no log line holds the connection password');
});

t.test('a server whose PostgreSQL cannot be reached refuses to start, naming where without the password', async (t) => {
  const url = await cluster.createDatabase();
  await cluster.stop();
  const started = startTestServer(t, { storage_backend: 'postgresql', storage_connection_url: url });
  await t.rejects(started, { name: 'StorageUnavailableError', message: /^storage unavailable: PostgreSQL at 127\.0\.0\.1:\d+\/scmpki_test_\w+ did not answer/ });
  const message = await started.catch((err: Error) => err.message);
  t.notMatch(message, new URL(url).password);
});
