import { t } from '../helpers/suite.js';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { generateSealKey, loadOrCreateSealKeyFile } from '../../src/storage/seal-key.js';
import { tempDir } from '../helpers/temp-dir.js';
import { openTestStorage, postgresDumpOf, testBackend } from '../helpers/test-storage.js';

/** Everything the backend holds on disk (LevelDB's files) or in a backup (pg_dump). */
async function rawBytesOf(dataDir: string): Promise<Buffer> {
  const dump = await postgresDumpOf(dataDir);
  if (dump) return dump;
  const parts: Buffer[] = [];
  for (const name of await readdir(join(dataDir, 'db'))) parts.push(await readFile(join(dataDir, 'db', name)));
  return Buffer.concat(parts);
}

t.test(`values round-trip, list shows one level, batch lands together (${testBackend})`, async (t) => {
  const dir = await tempDir(t, 'storage');
  const { storage, sealed } = await openTestStorage(dir, generateSealKey());
  t.teardown(() => storage.close());
  t.equal(sealed, false);
  await storage.put('config/web', { a: 1 });
  await storage.batch([
    { type: 'put', key: 'cert/web/1_x', value: { id: 1 } },
    { type: 'put', key: 'cert/web/2_x', value: { id: 2 } },
    { type: 'put', key: 'cert/mail/3_x', value: { id: 3 } },
  ]);
  t.same(await storage.get('config/web'), { a: 1 });
  t.same(await storage.list('cert/'), ['mail/', 'web/']);
  t.same(await storage.list('cert/web/'), ['1_x', '2_x']);
  t.same(await storage.list('nothing/'), []);
  await storage.batch([{ type: 'del', key: 'cert/web/1_x' }, { type: 'put', key: 'config/web', value: { a: 2 } }]);
  t.same(await storage.list('cert/web/'), ['2_x']);
  t.same(await storage.get('config/web'), { a: 2 });
  await storage.delete('config/web');
  t.equal(await storage.get('config/web'), undefined);
  await t.rejects(storage.batch([{ type: 'put', key: 'a', value: 1 }, { type: 'put', key: 'b', value: undefined }]));
  t.equal(await storage.get('a'), undefined, 'a failed batch writes nothing');
});

t.test(`the last operation on a key in a batch wins; clear entries read back as stored (${testBackend})`, async (t) => {
  const dir = await tempDir(t, 'storage-batch');
  const { storage } = await openTestStorage(dir, generateSealKey());
  t.teardown(() => storage.close());
  await storage.batch([
    { type: 'put', key: 'x/1', value: 'first' },
    { type: 'del', key: 'x/1' },
    { type: 'putClear', key: 'index/x/2', value: { due: 1 } },
    { type: 'putClear', key: 'index/x/2', value: { due: 2, note: 'ünïcode' } },
    { type: 'put', key: 'x/3', value: 'gone' },
    { type: 'del', key: 'x/3' },
    { type: 'put', key: 'x/3', value: 'back' },
  ]);
  t.equal(await storage.get('x/1'), undefined);
  t.same(await storage.getClear('index/x/2'), { due: 2, note: 'ünïcode' });
  t.equal(await storage.get('x/3'), 'back');
  t.equal(await storage.getClear('index/none'), undefined);
  const json = [];
  for await (const page of storage.rangeJsonPages({ gte: 'index/x/', lt: 'index/x/\uffff' })) json.push(...page);
  t.same(json, [['index/x/2', '{"due":2,"note":"ünïcode"}']], 'rangeJsonPages gives the stored JSON text');
});

t.test(`keys sort byte by byte; ranges honour after and limit across pages (${testBackend})`, async (t) => {
  const dir = await tempDir(t, 'storage-range');
  const { storage } = await openTestStorage(dir, generateSealKey());
  t.teardown(() => storage.close());
  // Mixed case, punctuation below and above "/", digits: byte order, not a locale's.
  const odd = ['i/B', 'i/a', 'i/a-b', 'i/a/b', 'i/a.b', 'i/Z', 'i/_', 'i/é', 'i/~'];
  const many = Array.from({ length: 2_345 }, (_, n) => `i/n/${String(n).padStart(5, '0')}`);
  await storage.batch([...odd, ...many].map((key) => ({ type: 'putClear' as const, key, value: { key } })));
  const byteOrder = [...odd, ...many].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const keys = async (range: Parameters<typeof storage.range>[0]) => {
    const found: string[] = [];
    for await (const [key, value] of storage.range<{ key: string }>(range)) {
      if (value.key !== key) throw new Error(`value of ${key} is ${value.key}`);
      found.push(key);
    }
    return found;
  };
  t.same(await keys({ gte: 'i/', lt: 'i/\uffff' }), byteOrder, 'every key, in byte order, across range pages');
  t.same(await keys({ gte: 'i/', lt: 'i/\uffff', limit: 3 }), byteOrder.slice(0, 3));
  t.same(await keys({ gte: 'i/', lt: 'i/\uffff', after: 'i/a', limit: 2 }), ['i/a-b', 'i/a.b']);
  t.same(await keys({ gte: 'i/n/', lt: 'i/n/\uffff', after: 'i/n/01000', limit: 1_200 }), many.slice(1_001, 2_201), 'after and a limit larger than a page');
  t.same(await keys({ gte: 'i/n/', lt: 'i/n/\uffff', after: 'i/a' }), many, 'an after below gte starts at gte');
  t.same(await keys({ gte: 'i/n/00010', lt: 'i/n/00012' }), ['i/n/00010', 'i/n/00011'], 'gte inclusive, lt exclusive');
  t.same(await storage.list('i/'), ['B', 'Z', '_', 'a', 'a-b', 'a.b', 'a/', 'n/', 'é', '~'].sort());
});

t.test(`values are encrypted at rest and a wrong key reports sealed (${testBackend})`, async (t) => {
  const dir = await tempDir(t, 'storage-seal');
  const key = generateSealKey();
  const marker = 'plain-text-marker-7f3a9c';
  const first = await openTestStorage(dir, key);
  await first.storage.put('config/x', { secret: marker });
  await first.storage.batch([{ type: 'putClear', key: 'index/x', value: { shown: 'clear-index-marker-51d2' } }]);
  await first.storage.close();
  const raw = await rawBytesOf(dir);
  t.ok(raw.includes('clear-index-marker-51d2'), 'the scan sees what is stored: an index entry is clear');
  for (const form of [marker, Buffer.from(marker).toString('hex'), Buffer.from(marker).toString('base64')]) {
    t.notOk(raw.includes(form), `no plain text in what the backend stores (${form.slice(0, 8)}…)`);
  }

  const wrong = await openTestStorage(dir, generateSealKey());
  t.equal(wrong.sealed, true);
  await wrong.storage.close();

  const again = await openTestStorage(dir, key);
  t.equal(again.sealed, false);
  t.same(await again.storage.get('config/x'), { secret: marker });
  await again.storage.close();
});

t.test('the seal key file is created 0600 and read back', async (t) => {
  const dir = await tempDir(t, 'sealkey');
  const path = join(dir, 'sub', 'seal.key');
  const created = await loadOrCreateSealKeyFile(path);
  t.equal(created.created, true);
  t.equal((await stat(path)).mode & 0o777, 0o600);
  const loaded = await loadOrCreateSealKeyFile(path);
  t.equal(loaded.created, false);
  t.ok(loaded.key.equals(created.key));
});
