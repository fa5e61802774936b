/**
 * Seal key rotation on a real LevelDB: new writes take the new term at once,
 * old values stay readable while the re-encryption runs, the re-encryption
 * moves every sealed value, and the old term is retired and refused.
 */
import { t } from '../helpers/suite.js';
import { join } from 'node:path';
import { termOf } from '../../src/storage/barrier.js';
import { KeyRotation } from '../../src/storage/key-rotation.js';
import { layout } from '../../src/storage/layout.js';
import { openStorage } from '../../src/storage/level-storage.js';
import { generateSealKey } from '../../src/storage/seal-key.js';
import { prefixRange, type Storage } from '../../src/storage/storage.js';
import { tempDir } from '../helpers/temp-dir.js';

const quiet = { info() {}, error() {} };

/** How many sealed values each term holds, the keyring (term 0) left out. */
async function termCounts(storage: Storage): Promise<Record<number, number>> {
  const counts: Record<number, number> = {};
  for await (const [key, stored] of storage.rawEntries(prefixRange(''))) {
    const term = termOf(stored);
    if (term === undefined || key === layout.keyring) continue;
    counts[term] = (counts[term] ?? 0) + 1;
  }
  return counts;
}

async function fill(storage: Storage, count: number): Promise<void> {
  for (let i = 0; i < count; i += 100) {
    await storage.batch(
      Array.from({ length: Math.min(100, count - i) }, (_, j) => [
        { type: 'put' as const, key: `cert/web/${String(i + j).padStart(5, '0')}`, value: { n: i + j, secret: `key-${i + j}` } },
        { type: 'putClear' as const, key: `index/records/web/${String(i + j).padStart(5, '0')}`, value: { n: i + j } },
      ]).flat(),
    );
  }
}

t.test('rotate: new writes on the new term, old values readable meanwhile, then every value moved and term 1 retired', async (t) => {
  const path = join(await tempDir(t, 'rotation'), 'db');
  const sealKey = generateSealKey();
  const opened = await openStorage({ path, sealKey });
  const { storage, barrier } = opened;
  await fill(storage, 1_000);
  const rotation = await KeyRotation.load({ storage, barrier, logger: quiet, settings: { batchSize: 50 } });
  t.match(rotation.status(), { term: 1, terms: [1], rewrap: null, retired_terms: [] }, 'a new store is on term 1');
  t.ok((await termCounts(storage))[1]! > 1_000, 'every sealed value is on term 1');

  const status = await rotation.rotate();
  t.match(status, { term: 2, terms: [1, 2], rewrap: { rewrapped: 0 } }, 'the new term is active and the re-encryption has started');
  await storage.put('cert/web/new', { secret: 'after the rotation' });
  let newTerm: number | undefined;
  for await (const [, stored] of storage.rawEntries({ gte: 'cert/web/new', lt: 'cert/web/new\u0000' })) newTerm = termOf(stored);
  t.equal(newTerm, 2, 'a value written after the rotation is sealed with term 2');
  t.same(await storage.get('cert/web/00007'), { n: 7, secret: 'key-7' }, 'a value still on term 1 reads');
  await t.rejects(rotation.rotate(), { name: 'ConflictError', message: /still being re-encrypted/ }, 'no second rotation while the first re-encrypts');

  await rotation.settled();
  t.same(Object.keys(await termCounts(storage)), ["2"], "no sealed value is left on term 1");
  t.match(rotation.status(), { term: 2, terms: [2], rewrap: null, retired_terms: [1] }, 'term 1 is retired');
  t.ok(rotation.status().encryptions >= 1_001, 'the re-encrypted values count as encryptions of term 2');
  for (const i of [0, 499, 999]) t.same(await storage.get(`cert/web/${String(i).padStart(5, '0')}`), { n: i, secret: `key-${i}` });
  t.same(await storage.getClear('index/records/web/00042'), { n: 42 }, 'clear index entries are left as they were');
  await rotation.close();
  await storage.close();

  const reopened = await openStorage({ path, sealKey });
  t.equal(reopened.sealed, false, 'the seal key still opens the store: it opens the keyring');
  t.same(await reopened.storage.get('cert/web/new'), { secret: 'after the rotation' });
  t.same(reopened.barrier.liveTerms, [2], 'the reopened keyring holds term 2 only');
  await reopened.storage.close();
  const wrongKey = await openStorage({ path, sealKey: generateSealKey() });
  t.equal(wrongKey.sealed, true, 'another key opens nothing');
  await wrongKey.storage.close();
});

t.test('a value whose term was retired no longer opens', async (t) => {
  const { storage, barrier } = await openStorage({ path: join(await tempDir(t, 'retired'), 'db'), sealKey: generateSealKey() });
  t.teardown(() => storage.close());
  await storage.put('cert/web/old', { secret: 'old' });
  let oldBytes: Uint8Array | undefined;
  for await (const [, stored] of storage.rawEntries({ gte: 'cert/web/old', lt: 'cert/web/old\u0000' })) oldBytes = stored;
  const rotation = await KeyRotation.load({ storage, barrier, logger: quiet });
  await rotation.rotate();
  await rotation.settled();
  t.throws(() => barrier.open('cert/web/old', oldBytes!), { name: 'BarrierOpenError', message: /key term 1, which this keyring does not hold/ });
  await rotation.close();
});

t.test('a store written before rotation existed (no keyring) opens, reads, and rotates', async (t) => {
  const path = join(await tempDir(t, 'old-store'), 'db');
  const sealKey = generateSealKey();
  const first = await openStorage({ path, sealKey });
  await fill(first.storage, 10);
  await first.storage.delete(layout.keyring);
  await first.storage.close();

  const { storage, barrier, sealed } = await openStorage({ path, sealKey });
  t.teardown(() => storage.close());
  t.equal(sealed, false);
  t.same(await storage.get('cert/web/00003'), { n: 3, secret: 'key-3' }, 'its term-1 values read');
  const rotation = await KeyRotation.load({ storage, barrier, logger: quiet });
  t.match(rotation.status(), { term: 1, terms: [1] }, 'its first keyring was written at open');
  await rotation.rotate();
  await rotation.settled();
  t.match(rotation.status(), { term: 2, terms: [2], retired_terms: [1] });
  t.same(await storage.get('cert/web/00003'), { n: 3, secret: 'key-3' });
  await rotation.close();
});

t.test('values rewritten while the re-encryption runs keep their newest version', async (t) => {
  const { storage, barrier } = await openStorage({ path: join(await tempDir(t, 'concurrent'), 'db'), sealKey: generateSealKey() });
  t.teardown(() => storage.close());
  await fill(storage, 500);
  const rotation = await KeyRotation.load({ storage, barrier, logger: quiet, settings: { batchSize: 10 } });
  await rotation.rotate();
  // Overwrite every value, from the last key down, while the pass moves up from the first.
  let rounds = 0;
  while (rotation.status().rewrap !== null) {
    rounds++;
    for (let i = 499; i >= 0; i -= 7) await storage.put(`cert/web/${String(i).padStart(5, '0')}`, { n: i, secret: `round-${rounds}` });
  }
  await rotation.settled();
  t.ok(rounds > 0, `${rounds} rounds of writes raced the re-encryption`);
  for (let i = 499; i >= 0; i -= 7) {
    t.same(await storage.get(`cert/web/${String(i).padStart(5, '0')}`), { n: i, secret: `round-${rounds}` }, `value ${i} is the last one written`);
  }
  t.same(Object.keys(await termCounts(storage)), ['2']);
  await rotation.close();
});
