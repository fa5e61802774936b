/**
 * A seal key rotation killed with SIGKILL in the middle of its
 * re-encryption: the server runs as its own process on an estate of a few
 * thousand records; it is killed once the first batches have moved. Every
 * value still opens at that moment, and the restarted server finishes the
 * re-encryption, retires term 1, and serves every record as it was.
 */
import { t } from '../helpers/suite.js';
import { join } from 'node:path';
import { fillDataDir } from '../../bench/estate-fill.js';
import { termOf } from '../../src/storage/barrier.js';
import { layout } from '../../src/storage/layout.js';
import { openStorage } from '../../src/storage/level-storage.js';
import { readSealKeyFile } from '../../src/storage/seal-key.js';
import { prefixRange } from '../../src/storage/storage.js';
import { startServerProcess } from '../helpers/server-process.js';
import { tempDir } from '../helpers/temp-dir.js';
import { engineCaller, vaultRequest } from '../helpers/vault-api.js';
import { waitFor } from '../helpers/wait-for.js';

const RECORDS = 2_000;
const PROCESS_WAIT_MS = 60_000;
/** Nothing in the background changes a record while the test compares them. */
const QUIET_WORKERS = { collector_enabled: false, renewer_enabled: false, log_level: 'warn' };

/** Every sealed value of the store, opened, by key; and how many values each term holds. */
async function readEverything(dir: string): Promise<{ values: Map<string, string>; terms: Record<number, number> }> {
  const sealKey = (await readSealKeyFile(join(dir, 'seal.key')))!;
  const { storage, sealed } = await openStorage({ path: join(dir, 'data'), sealKey, create: false });
  const values = new Map<string, string>();
  const terms: Record<number, number> = {};
  try {
    if (sealed) throw new Error('the seal key does not open the store');
    for await (const [key, stored] of storage.rawEntries(prefixRange(''))) {
      const term = termOf(stored);
      if (term === undefined || key === layout.keyring) continue;
      terms[term] = (terms[term] ?? 0) + 1;
      values.set(key, JSON.stringify(await storage.get(key)));
    }
  } finally {
    await storage.close();
  }
  return { values, terms };
}

t.test('kill -9 during the re-encryption: every value still opens, and the restarted server finishes and serves every record', async (t) => {
  const dir = await tempDir(t, 'rotation-crash');
  const { rootToken } = await fillDataDir(dir, RECORDS);
  const before = await readEverything(dir);
  t.ok(before.values.size > RECORDS, `the estate holds ${before.values.size} sealed values`);
  t.same(Object.keys(before.terms), ['1'], 'all on term 1');

  // Paced, so the kill lands between batches with most of the store still on term 1.
  const settings = { storage_path: join(dir, 'data'), ...QUIET_WORKERS };
  const first = await startServerProcess(t, dir, { ...settings, rewrap_pause: 0.3 });
  const rotated = await vaultRequest(first.url, rootToken, 'PUT', 'sys/rotate');
  t.equal(rotated.status, 204);
  await waitFor('the first batches to be re-encrypted', async () => {
    const status = (await vaultRequest(first.url, rootToken, 'GET', 'sys/key-status')).body;
    return status.rewrap?.rewrapped >= 256 ? true : undefined;
  }, PROCESS_WAIT_MS);
  await first.kill('SIGKILL');

  const atKill = await readEverything(dir);
  t.ok(atKill.terms[1]! > 0 && atKill.terms[2]! > 0, `killed mid-way: ${atKill.terms[1]} values on term 1, ${atKill.terms[2]} on term 2`);
  // The server adds a few values of its own at start (its cluster id); none of the estate's may be missing or changed.
  t.ok([...before.values].every(([key, value]) => atKill.values.get(key) === value), 'every value is there and opens to what it was');

  const second = await startServerProcess(t, dir, settings);
  const status = await waitFor('the restarted server to finish the re-encryption', async () => {
    const reply = (await vaultRequest(second.url, rootToken, 'GET', 'sys/key-status')).body;
    return reply.rewrap === null ? reply : undefined;
  }, PROCESS_WAIT_MS);
  t.match(status, { term: 2, terms: [2], retired_terms: [1] }, 'term 1 is retired');

  const call = engineCaller(second.url, rootToken);
  const ids = (await call('LIST', 'certs/demo')).body.data.keys as string[];
  t.equal(ids.length, RECORDS, 'every record is listed');
  const unreadable: string[] = [];
  for (let i = 0; i < ids.length; i += 16) {
    await Promise.all(
      ids.slice(i, i + 16).map(async (id) => {
        const read = await call('GET', `readcert/demo/${id}`);
        const stored = before.values.get(layout.record('demo', id));
        if (read.status !== 200 || stored === undefined || read.body.data.private_key !== JSON.parse(stored).private_key) unreadable.push(id);
      }),
    );
  }
  t.same(unreadable, [], 'every record reads through the server, with its private key');
  await second.kill('SIGTERM');

  const after = await readEverything(dir);
  t.same(Object.keys(after.terms), ['2'], 'every sealed value is on term 2');
  t.ok([...before.values].every(([key, value]) => after.values.get(key) === value), 'and opens to what it was before the rotation');
});
