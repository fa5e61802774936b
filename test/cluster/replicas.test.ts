/**
 * Three scmpki processes on one PostgreSQL database behind a round-robin
 * "load balancer", against the real SCM simulator: every cross-request
 * promise holds across replicas (one renewal, one order per Idempotency-Key,
 * caches that follow other replicas' writes). Failover is in
 * replica-failover.test.ts.
 */
import { t } from '../helpers/suite.js';
import { certificateMatchesKey } from '../../src/pki/index.js';
import { SSL_CONFIG } from '../helpers/engine-fixture.js';
import { startReplicas, sysLeader } from '../helpers/replicas.js';
import { runCli } from '../helpers/run-cli.js';
import { simulatorConnection } from '../helpers/scm-connection.js';
import { startTestSimulator } from '../helpers/test-simulator.js';
import { vaultRequest } from '../helpers/vault-api.js';
import { waitFor } from '../helpers/wait-for.js';

const EC = { sectigo_csr_key_algo: 'EC', sectigo_csr_key_size: 'P-256' };
const DAY_MS = 86_400_000;

const sim = await startTestSimulator(t);
const replicas = await startReplicas(t, 3);
const { servers, rootToken } = replicas;
const written = await replicas.next()('PUT', 'configs/web', { ...SSL_CONFIG, ...simulatorConnection(sim) });
if (written.status !== 204) throw new Error(`configs/web: ${written.status}`);

async function enrollIssued(domain: string): Promise<any> {
  const reply = await replicas.next()('POST', 'enroll/web', { sectigo_csr_domain: domain, ...EC });
  if (reply.body?.data?.state?.at(-1)?.status !== 'Issued') throw new Error(`enroll ${domain}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body.data;
}

t.test('sys/leader names one leader on every replica; sys/health answers a standby 429 unless standbyok', async (t) => {
  const views = await Promise.all(servers.map(sysLeader));
  t.same(views.map((v) => v.body.is_self), [true, false, false], 'the first replica leads');
  for (const view of views) {
    t.match(view.body, { ha_enabled: true, leader_address: servers[0].url, leader_cluster_address: '', performance_standby: false });
    t.ok(Date.parse(view.body.active_time) > 0, 'active_time is RFC 3339');
  }
  const leaderHealth = await vaultRequest(servers[0].url, '', 'GET', 'sys/health');
  t.match(leaderHealth, { status: 200, body: { standby: false, sealed: false } });
  const standby = await vaultRequest(servers[1].url, '', 'GET', 'sys/health');
  t.match(standby, { status: 429, body: { standby: true, sealed: false } });
  t.equal((await vaultRequest(servers[1].url, '', 'GET', 'sys/health?standbyok=true')).status, 200, 'standbyok=true: the active code');
  t.equal((await vaultRequest(servers[1].url, '', 'GET', 'sys/health?standbycode=200')).status, 200, 'standbycode overrides');

  const status = await runCli(['status', '-format=json'], { env: { VAULT_ADDR: servers[1].url } });
  t.equal(status.code, 0, status.stderr);
  t.match(JSON.parse(status.stdout), { storage_type: 'postgresql', ha_enabled: true, ha_mode: 'standby', active_node_address: servers[0].url });
  const table = await runCli(['status'], { env: { VAULT_ADDR: servers[0].url } });
  t.match(table.stdout, /\nHA Mode\s{4,}active\n/, '`status` on the leader, as vault status shows it');
});

t.test('100 concurrent reads of an expiring certificate over three replicas renew it once', async (t) => {
  const issued = await enrollIssued('renew-once.example.com');
  // Near its end: inside the default 30-day window, where its renewal (a fresh year) is not.
  await replicas.editRecord('web', issued.cert_unique_id, (record) => ({
    ...record,
    not_before: new Date(Date.now() - 360 * DAY_MS).toISOString(),
    not_after: new Date(Date.now() + 5 * DAY_MS).toISOString(),
  }));
  await sim.controls.resetCounters();
  // Auto-renew switched on by the query (the root token may widen).
  const path = `certs/web/${issued.cert_unique_id}?sectigo_auto_renew=true`;
  const reads = await Promise.all(Array.from({ length: 100 }, () => replicas.next()('GET', path)));
  t.same([...new Set(reads.map((r) => r.status))], [200], 'every read answered 200');
  const ids = new Set(reads.map((r) => r.body.data.cert_unique_id));
  t.equal(ids.size, 1, 'every reader got the same certificate');
  t.notOk(ids.has(issued.cert_unique_id), 'the renewed one');
  t.ok(reads.every((r) => certificateMatchesKey(r.body.data.leaf_certificate, r.body.data.private_key)), 'each certificate matches the key sent with it');
  t.equal((await sim.controls.counters()).renewById, 1, 'SCM renewed once');
});

t.test('the same Idempotency-Key sent to all three replicas at once places one SCM order', async (t) => {
  await sim.controls.resetCounters();
  const body = { sectigo_csr_domain: 'once.example.com', ...EC };
  const replies = await Promise.all(
    servers.map((server) => vaultRequest(server.url, rootToken, 'POST', 'sectigo-vault-pki/enroll/web', body, { 'Idempotency-Key': 'three-at-once' })),
  );
  t.same(replies.map((r) => r.status), [200, 200, 200]);
  t.equal(new Set(replies.map((r) => r.body.data.cert_unique_id)).size, 1, 'one certificate for all three');
  t.equal((await sim.controls.counters()).enroll, 1, 'SCM saw one order');
});

t.test('a policy or config changed on one replica applies on the others at once (caches follow the write)', async (t) => {
  const [a, b] = servers;
  const writePolicy = (rules: string) => vaultRequest(a.url, rootToken, 'PUT', 'sys/policies/acl/config-reader', { policy: rules });
  t.equal((await writePolicy('path "sectigo-vault-pki/configs/*" { capabilities = ["read"] }')).status, 204);
  const token = (await vaultRequest(a.url, rootToken, 'POST', 'auth/token/create', { policies: ['config-reader'] })).body.auth.client_token;
  const readOnB = () => vaultRequest(b.url, token, 'GET', 'sectigo-vault-pki/configs/web');
  t.equal((await readOnB()).status, 200, 'B compiled and cached the ACL');
  t.equal((await readOnB()).body.data.sectigo_ssl_cert_validity, 365, 'and cached the config');

  t.equal((await writePolicy('path "sectigo-vault-pki/certs/*" { capabilities = ["read"] }')).status, 204);
  // Well inside the cache's age limit: only the write notice can explain a change this soon.
  await waitFor('B to apply the new policy', async () => ((await readOnB()).status === 403 ? true : undefined), 2_000);
  t.pass('B answers 403 under the changed policy');

  t.equal((await vaultRequest(a.url, rootToken, 'PUT', 'sectigo-vault-pki/configs/web', { ...SSL_CONFIG, ...simulatorConnection(sim), sectigo_ssl_cert_validity: 200 })).status, 204);
  const configOnB = () => vaultRequest(b.url, rootToken, 'GET', 'sectigo-vault-pki/configs/web');
  await waitFor('B to read the new config', async () => ((await configOnB()).body.data.sectigo_ssl_cert_validity === 200 ? true : undefined), 2_000);
  t.pass('B reads the config A wrote');
});
