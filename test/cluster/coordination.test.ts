/**
 * The cluster's parts against a real PostgreSQL, two "replicas" in one
 * process (each its own coordination session): advisory locks, the leader
 * lease and write notices.
 */
import type { Test } from 'tap';
import { t } from '../helpers/suite.js';
import pg from 'pg';
import { ChangeFeed, type Change } from '../../src/cluster/change-feed.js';
import { CoordinationConnection } from '../../src/cluster/coordination-connection.js';
import { LeaseLeadership } from '../../src/cluster/leadership.js';
import { PgLocks } from '../../src/cluster/pg-locks.js';
import { openStorage } from '../../src/storage/level-storage.js';
import { migrate } from '../../src/storage/postgres/schema.js';
import { testDatabase } from '../helpers/test-storage.js';
import { tempDir } from '../helpers/temp-dir.js';
import { sleep, waitFor } from '../helpers/wait-for.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

const url = await testDatabase();
// The schema (the leader lease's table among it), as a replica's storage migrates it at start.
const migrator = new pg.Pool({ connectionString: url, max: 1 });
await migrate(migrator);
await migrator.end();

async function replica(t: Test): Promise<CoordinationConnection> {
  const connection = new CoordinationConnection({ connectionString: url, logger: quiet });
  await connection.open();
  t.teardown(() => connection.close());
  return connection;
}

/** Ends a session from outside, as PostgreSQL does when a replica's process dies. */
async function terminate(connection: CoordinationConnection): Promise<void> {
  const [{ pid }] = await connection.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query('SELECT pg_terminate_backend($1)', [pid]);
  await admin.end();
}

t.test('exclusive work on one key takes turns across replicas', async (t) => {
  const [a, b] = [new PgLocks(await replica(t), 20), new PgLocks(await replica(t), 20)];
  let inside = 0;
  let most = 0;
  const work = async () => {
    inside++;
    most = Math.max(most, inside);
    await sleep(20);
    inside--;
  };
  await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).exclusive('record:web/1', work)));
  t.equal(most, 1, 'never two holders at once');
});

t.test('a flight on another replica is waited for, and its result found in storage', async (t) => {
  const [a, b] = [new PgLocks(await replica(t), 20), new PgLocks(await replica(t), 20)];
  let renewals = 0;
  let renewed = false;
  // The first flight's work lasts until the other replica has seen it.
  let finish = () => {};
  const seen = new Promise<void>((resolve) => (finish = resolve));
  // The work re-checks "storage" first, as the lifecycle's flights do.
  const renew = async () => {
    if (renewed) return 'found';
    await seen;
    renewals++;
    renewed = true;
    return 'renewed';
  };
  const first = a.flight('renew:web/1', renew);
  await waitFor('the flight to be seen from the other replica', async () => ((await b.isFlying('renew:web/1')) ? true : undefined));
  const others = [b.flight('renew:web/1', renew), b.flight('renew:web/1', renew)];
  finish();
  const results = await Promise.all([first, ...others]);
  t.same(results, ['renewed', 'found', 'found']);
  t.equal(renewals, 1, 'one renewal across both replicas');
  t.notOk(await b.isFlying('renew:web/1'), 'no flight once it landed');
});

t.test('a replica whose session dies frees its locks at once', async (t) => {
  const holderConnection = await replica(t);
  const holder = new PgLocks(holderConnection, 20);
  const waiter = new PgLocks(await replica(t), 20);
  let release: (() => void) | undefined;
  const held = holder.exclusive('record:web/2', () => new Promise<void>((resolve) => (release = resolve)));
  await waitFor('the lock to be taken', async () => (release ? true : undefined));
  let got = false;
  const waiting = waiter.exclusive('record:web/2', async () => (got = true));
  await sleep(100);
  t.notOk(got, 'the waiter waits while the holder lives');
  await terminate(holderConnection);
  await waiting;
  t.ok(got, 'the waiter got the lock after the holder session died');
  release?.();
  await held;
});

t.test('the leader lease: one leader; a clean stop hands over at the next try, a dead leader after the lease ran out', async (t) => {
  const timings = { ttlMs: 600, intervalMs: 100 };
  const events: string[] = [];
  const member = async (name: string) => {
    const lease = new LeaseLeadership(await replica(t), { holder: name, address: `http://${name}:8200` }, timings, quiet);
    await lease.start({ gained: () => events.push(`${name} leads`), lost: () => events.push(`${name} stepped down`) });
    return lease;
  };
  const a = await member('a');
  const bConnection = await replica(t);
  const b = new LeaseLeadership(bConnection, { holder: 'b', address: 'http://b:8200' }, timings, quiet);
  await b.start({ gained: () => events.push('b leads'), lost: () => events.push('b stepped down') });
  t.same(events, ['a leads']);
  t.match(b.status(), { haEnabled: true, isSelf: false, leaderAddress: 'http://a:8200' });
  t.match(a.status(), { haEnabled: true, isSelf: true, leaderAddress: 'http://a:8200' });
  t.ok(Date.parse(a.status().activeTime ?? '') > 0, 'active_time is a time');

  await a.stop();
  await waitFor('b to take over', async () => (b.status().isSelf ? true : undefined), 5_000);
  t.same(events, ['a leads', 'a stepped down', 'b leads']);

  const c = await member('c');
  t.notOk(c.status().isSelf, 'c stands by while b renews');
  // b's process "dies": its session goes, its row stays until the lease runs out.
  const killedAt = Date.now();
  await bConnection.close();
  t.teardown(() => b.stop());
  await waitFor('c to take over from a dead leader', async () => (c.status().isSelf ? true : undefined), 5_000);
  t.ok(Date.now() - killedAt >= timings.ttlMs - 200, 'not before the lease could have run out');
  await c.stop();
});

t.test('a write on one replica drops the key from the other replicas\' caches', async (t) => {
  const [a, b] = [await replica(t), await replica(t)];
  const feedA = new ChangeFeed(a, quiet);
  const feedB = new ChangeFeed(b, quiet);
  const seenByA: Change[] = [];
  const seenByB: Change[] = [];
  feedA.onChange((change) => seenByA.push(change));
  feedB.onChange((change) => seenByB.push(change));
  const { storage } = await openStorage({ path: await tempDir(t, 'feed'), sealKey: Buffer.alloc(32, 7) });
  t.teardown(() => storage.close());
  const writer = feedA.publishing(storage);
  await writer.put('policy/ops', { name: 'ops' });
  await writer.batch([
    { type: 'put', key: 'cert/web/1', value: 1 },
    { type: 'putClear', key: 'index/records/web/1', value: {} },
    { type: 'del', key: 'cert/web/2' },
  ]);
  await writer.batch([{ type: 'put', key: 'x/'.repeat(5_000), value: 1 }]);
  await waitFor('three notices', async () => (seenByB.length === 3 ? true : undefined), 5_000);
  t.same(seenByB, [{ keys: ['policy/ops'] }, { keys: ['cert/web/1', 'cert/web/2'] }, 'all'], 'clear index keys are not sent; an oversized notice says all');
  t.same(seenByA, [], 'a replica ignores its own notices');

  await terminate(b);
  await waitFor('the lost session to clear the caches', async () => (seenByB.at(-1) === 'all' && seenByB.length >= 4 ? true : undefined), 5_000);
  await waitFor('the session to come back', async () => (b.connected ? true : undefined), 5_000);
  await writer.put('policy/ops', { name: 'ops', changed: true });
  await waitFor('notices to flow again', async () => (JSON.stringify(seenByB.at(-1)) === JSON.stringify({ keys: ['policy/ops'] }) ? true : undefined), 5_000);
  t.pass('notices arrive after a reconnect');
});
