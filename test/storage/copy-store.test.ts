import type { Test } from 'tap';
import { t } from '../helpers/suite.js';
import { layout } from '../../src/storage/layout.js';
import { prefixRange } from '../../src/storage/storage.js';
import { copyStore, TargetNotEmptyError, verifyCopy } from '../../src/storage/copy-store.js';
import { generateSealKey } from '../../src/storage/seal-key.js';
import { tempDir } from '../helpers/temp-dir.js';
import { openTestStorage, testBackend } from '../helpers/test-storage.js';

/** A source store with sealed values and clear index entries, and an empty target under the same key. */
async function stores(t: Test) {
  const sealKey = generateSealKey();
  const from = (await openTestStorage(await tempDir(t, 'copy-from'), sealKey, 'leveldb')).storage;
  const to = (await openTestStorage(await tempDir(t, 'copy-to'), sealKey)).storage;
  t.teardown(async () => {
    await from.close();
    await to.close();
  });
  await from.batch([
    { type: 'put', key: 'config/web', value: { sectigo_cm_password: 'pw' } },
    { type: 'put', key: 'cert/web/1', value: { id: 1 } },
    { type: 'putClear', key: 'index/records/web/1', value: { status: 'Issued' } },
  ]);
  return { from, to };
}

t.test(`a copy holds every entry as stored and opens with the same key (leveldb to ${testBackend})`, async (t) => {
  const { from, to } = await stores(t);
  const report = await copyStore(from, to);
  t.same(report, { entries: 5, sealed: 4, clear: 1 }, 'the seal check, the keyring, two sealed values, one index entry');
  t.equal(await verifyCopy(from, to), 5);
  t.same(await to.get('config/web'), { sectigo_cm_password: 'pw' });
  t.same(await to.getClear('index/records/web/1'), { status: 'Issued' });
  t.ok((await to.get(layout.sealCheck)) !== undefined);
});

t.test('verification names the first entry that differs, is missing or is extra', async (t) => {
  const { from, to } = await stores(t);
  await copyStore(from, to);
  await to.put('cert/web/1', { id: 1 });
  await t.rejects(verifyCopy(from, to), { message: 'verification failed: the value of cert/web/1 differs' }, 'resealed: same JSON, other bytes');
  await to.delete('cert/web/1');
  await t.rejects(verifyCopy(from, to), /entry 1 is cert\/web\/1 in the source but config\/web in the target/);
  for await (const [key, stored] of from.rawEntries(prefixRange(''))) if (key === 'cert/web/1') await to.swapRaw([{ key, expected: undefined, next: stored }]);
  t.equal(await verifyCopy(from, to), 5, 'the entry as stored is back (with the seal check and the keyring)');
  await from.delete('index/records/web/1');
  await t.rejects(verifyCopy(from, to), /the target has index\/records\/web\/1, which the source does not/);
});

t.test('a target that holds data is refused before anything is written', async (t) => {
  const { from, to } = await stores(t);
  await to.put('policy/mine', { rules: [] });
  await t.rejects(copyStore(from, to), TargetNotEmptyError);
  t.equal(await to.get('config/web'), undefined);
});
