/**
 * Failover on one PostgreSQL database: kill -9 of the replica that leads
 * background work, in the middle of 50 enrolls spread round-robin over three
 * replicas. Nothing is lost (every SCM order ends as an issued record holding
 * its key, none is placed twice) and another replica takes the lead within
 * 15 s, finishing what the dead one left (its owed records, its placed orders).
 * Short lease timings keep the test quick; the defaults are checked in
 * test/server/settings-and-dev.test.ts.
 */
import { t } from '../helpers/suite.js';
import { certificateMatchesKey } from '../../src/pki/index.js';
import { SSL_CONFIG } from '../helpers/engine-fixture.js';
import { startReplicas, sysLeader } from '../helpers/replicas.js';
import { simulatorConnection } from '../helpers/scm-connection.js';
import { startTestSimulator } from '../helpers/test-simulator.js';
import { waitFor } from '../helpers/wait-for.js';

const EC = { sectigo_csr_key_algo: 'EC', sectigo_csr_key_size: 'P-256' };

// Issuance takes a while, so some records are still owed when their replica dies.
const sim = await startTestSimulator(t, { issueDelayMs: 1_500 });
const replicas = await startReplicas(t, 3, { collector_interval: 1, order_grace: '3s', ha_lease_ttl: 3, ha_lease_interval: 0.5 });
const { servers } = replicas;
const written = await replicas.next()('PUT', 'configs/bulk', { ...SSL_CONFIG, ...simulatorConnection(sim) });
if (written.status !== 204) throw new Error(`configs/bulk: ${written.status}`);

t.test('three replicas, kill -9 of the leader in the middle of 50 enrolls: every record issued, no duplicate order, no lost key, a new leader', async (t) => {
  const leader = await replicas.leader();
  if (!leader) throw new Error('no leader');
  const survivors = servers.filter((s) => s !== leader);

  const enrolls = Array.from({ length: 50 }, (_, i) =>
    replicas.next()('POST', 'enroll/bulk', { sectigo_csr_domain: `bulk-${i}.example.com`, ...EC }).catch((err: Error) => err),
  );
  await waitFor('SCM to take 20 orders', async () => (((await sim.controls.counters()).enroll ?? 0) >= 20 ? true : undefined), 60_000);
  await replicas.kill(leader);
  const killedAt = Date.now();

  const survivor = await waitFor('another replica to lead', () => replicas.leader(), 15_000);
  t.ok(Date.now() - killedAt < 15_000, `another replica took over within 15 s (${Date.now() - killedAt} ms)`);
  t.ok(survivors.includes(survivor), 'one of the two survivors leads');
  t.match((await sysLeader(survivor)).body, { ha_enabled: true, is_self: true, leader_address: survivor.url });
  const [other] = survivors.filter((s) => s !== survivor);
  // A standby learns the new leader at its next look at the lease (ha_lease_interval).
  const named = await waitFor('the third replica to name the new leader', async () => {
    const body = (await sysLeader(other!)).body;
    return body.leader_address === survivor.url ? body : undefined;
  }, 5_000);
  t.match(named, { ha_enabled: true, is_self: false }, 'the third replica names it and stays a standby');
  t.match(survivor.output(), /this replica is the leader/);
  // Only background work finishes what the dead replica left: its owed records, its placed orders.
  await waitFor('the survivor to finish the dead replica\'s work', async () => (/background collect finished|recovered the SCM order/.test(survivor.output()) ? true : undefined), 30_000);
  t.pass('the survivor collects or recovers what the dead replica left');

  const answered = await Promise.all(enrolls);
  const died = answered.filter((r) => r instanceof Error).length;
  t.ok(died > 0, `requests to the killed replica died with it (${died})`);
  const caller = replicas.next();
  const records = await waitFor('every stored record to be issued by the new leader\'s collector', async () => {
    const listed = await caller('LIST', 'certs/bulk');
    const ids: string[] = listed.body?.data?.keys ?? [];
    const read = await Promise.all(ids.map((id) => caller('GET', `readcert/bulk/${id}`)));
    const all = read.map((r) => r.body.data);
    const orders = (await sim.controls.counters()).enroll;
    return all.length === orders && all.every((r) => r.state.at(-1).status === 'Issued') ? all : undefined;
  }, 60_000);
  const domains = records.map((r) => r.domain);
  t.equal(new Set(domains).size, domains.length, 'no domain ordered twice');
  t.equal(records.length, (await sim.controls.counters()).enroll, 'every SCM order has its record');
  t.ok(records.every((r) => certificateMatchesKey(r.leaf_certificate, r.private_key)), 'every record holds the key of its certificate');
  const acknowledged = answered.filter((r) => !(r instanceof Error) && r.status === 200).map((r) => (r as { body: any }).body.data.domain);
  t.ok(acknowledged.length > 0, `${acknowledged.length} enrolls were answered`);
  t.same(acknowledged.filter((domain) => !domains.includes(domain)), [], 'every answered enroll is stored');
});
