import t from 'tap';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { openStorage } from '../../src/storage/level-storage.js';
import { generateSealKey, loadOrCreateSealKeyFile } from '../../src/storage/seal-key.js';
import { tempDir } from '../helpers/temp-dir.js';

async function rawBytesOf(dir: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (const name of await readdir(dir)) parts.push(await readFile(join(dir, name)));
  return Buffer.concat(parts);
}

t.test('values round-trip, list shows one level, batch lands together', async (t) => {
  const dir = await tempDir(t, 'storage');
  const { storage, sealed } = await openStorage({ path: dir, sealKey: generateSealKey() });
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
  await storage.close();
});

t.test('values are encrypted at rest and a wrong key reports sealed', async (t) => {
  const dir = await tempDir(t, 'storage-seal');
  const key = generateSealKey();
  const marker = 'plain-text-marker-7f3a9c';
  const first = await openStorage({ path: dir, sealKey: key });
  await first.storage.put('config/x', { secret: marker });
  await first.storage.close();
  t.notOk((await rawBytesOf(dir)).includes(marker), 'no plain text in the LevelDB files');

  const wrong = await openStorage({ path: dir, sealKey: generateSealKey() });
  t.equal(wrong.sealed, true);
  await wrong.storage.close();

  const again = await openStorage({ path: dir, sealKey: key });
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
