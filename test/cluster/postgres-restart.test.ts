/**
 * PostgreSQL restarted (fast shutdown, then start) under load on three
 * replicas: while it is down, requests that need it answer 503 (never 500)
 * and the log says why; once it is back, every replica serves again without a
 * restart of their own, and no acknowledged enroll is lost. A private
 * cluster, since the test stops it.
 */
import { t } from '../helpers/suite.js';
import { certificateMatchesKey } from '../../src/pki/index.js';
import { SSL_CONFIG } from '../helpers/engine-fixture.js';
import { startPostgresCluster } from '../helpers/postgres-cluster.js';
import { startReplicas } from '../helpers/replicas.js';
import { simulatorConnection } from '../helpers/scm-connection.js';
import { startTestSimulator } from '../helpers/test-simulator.js';
import { engineCaller, type ApiReply } from '../helpers/vault-api.js';
import { waitFor } from '../helpers/wait-for.js';

const EC = { sectigo_csr_key_algo: 'EC', sectigo_csr_key_size: 'P-256' };

const postgres = await startPostgresCluster();
t.teardown(() => postgres.destroy());
const sim = await startTestSimulator(t);
const replicas = await startReplicas(t, 3, { storage_connection_url: await postgres.createDatabase(), collector_interval: 1, ha_lease_ttl: 3, ha_lease_interval: 0.5 });
const { servers } = replicas;
const call = replicas.next();
if ((await call('PUT', 'configs/web', { ...SSL_CONFIG, ...simulatorConnection(sim) })).status !== 204) throw new Error('config');

t.test('PostgreSQL restarted under load: 503 while it is down, served again after, no record lost', async (t) => {
  const replies: Array<{ phase: string; reply: ApiReply; domain: string }> = [];
  let phase = 'before';
  let running = true;
  let n = 0;
  // Four clients enrolling round-robin, as fast as answers come.
  const clients = Array.from({ length: 4 }, async () => {
    while (running) {
      const domain = `load-${n++}.example.com`;
      const reply = await replicas.next()('POST', 'enroll/web', { sectigo_csr_domain: domain, ...EC });
      replies.push({ phase, reply, domain });
    }
  });
  const seen = (status: number, inPhase: string, count: number) => async () =>
    replies.filter((r) => r.phase === inPhase && r.reply.status === status).length >= count ? true : undefined;

  await waitFor('enrolls to succeed', seen(200, 'before', 4), 30_000);
  phase = 'down';
  await postgres.stop();
  await waitFor('enrolls to fail while PostgreSQL is down', seen(503, 'down', 6), 30_000);
  phase = 'restarting';
  await postgres.start();
  await waitFor('every replica to enroll again', async () => {
    const answers = await Promise.all(servers.map((s) => engineCaller(s.url, replicas.rootToken)('POST', 'enroll/web', { sectigo_csr_domain: `back-${n++}.example.com`, ...EC })));
    return answers.every((answer) => answer.status === 200) ? true : undefined;
  }, 30_000);
  phase = 'after';
  await waitFor('enrolls to succeed after the restart', seen(200, 'after', 4), 30_000);
  running = false;
  await Promise.all(clients);

  t.same([...new Set(replies.map((r) => r.reply.status))].filter((s) => s !== 200 && s !== 503), [], 'only 200 and 503, never a 500');
  const outage = replies.filter((r) => r.reply.status === 503);
  t.ok(outage.length >= 6, `${outage.length} requests answered 503 during the outage`);
  t.ok(outage.every((r) => /PostgreSQL|storage unavailable/i.test(r.reply.body.errors.join(' '))), 'each 503 says storage is unavailable');
  t.match(servers.map((s) => s.output()).join(''), /lost the coordination connection to PostgreSQL/, 'the log says what happened');

  const acknowledged = replies.filter((r) => r.reply.status === 200).map((r) => r.reply.body.data.cert_unique_id as string);
  // An order SCM took whose record could not be stored is recovered by the collector: wait for records = orders.
  const records = await waitFor('every SCM order to have an issued record', async () => {
    const ids: string[] = (await call('LIST', 'certs/web')).body?.data?.keys ?? [];
    const orders = (await sim.controls.counters()).enroll;
    if (ids.length !== orders) return undefined;
    const all = await Promise.all(ids.map(async (id) => (await call('GET', `readcert/web/${id}`)).body.data));
    return all.every((r) => r.state.at(-1).status === 'Issued') ? all : undefined;
  }, 60_000);
  const stored = new Set(records.map((r) => r.cert_unique_id));
  t.same(acknowledged.filter((id) => !stored.has(id)), [], `all ${acknowledged.length} acknowledged enrolls are stored`);
  t.ok(records.every((r) => certificateMatchesKey(r.leaf_certificate, r.private_key)), 'every record holds its key');
});
