import t, { type Test } from 'tap';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { openStorage } from '../../src/storage/level-storage.js';
import { ReadCachedStorage } from '../../src/storage/read-cache.js';
import type { Storage } from '../../src/storage/storage.js';
import { tempDir } from '../helpers/temp-dir.js';

/** The real LevelDB storage, counting the reads that reach it and optionally holding them back. */
async function countedStorage(t: Test) {
  const { storage } = await openStorage({ path: join(await tempDir(t, 'read-cache'), 'db'), sealKey: randomBytes(32) });
  t.teardown(() => storage.close());
  const reads: string[] = [];
  let holdBack: Promise<void> | undefined;
  const inner: Storage = Object.assign(Object.create(storage) as Storage, {
    async get<T>(key: string) {
      reads.push(key);
      const value = await storage.get<T>(key);
      await holdBack;
      return value;
    },
  });
  return { inner, reads, hold: (until: Promise<void> | undefined) => (holdBack = until) };
}

t.test('reads are served from the cache until a write touches the key', async (t) => {
  const { inner, reads } = await countedStorage(t);
  const cached = new ReadCachedStorage(inner);
  await cached.put('config/a', { v: 1 });
  t.same(await cached.get('config/a'), { v: 1 });
  t.same(await cached.get('config/a'), { v: 1 });
  t.equal(reads.length, 1, 'the second read came from the cache');
  const read = await cached.get<{ v: number }>('config/a');
  t.throws(() => {
    read!.v = 99;
  }, TypeError);
  t.same(await cached.get('config/a'), { v: 1 }, 'a caller trying to change what it read changes nothing for the next');
  await cached.batch([{ type: 'put', key: 'config/a', value: { v: 2 } }]);
  t.same(await cached.get('config/a'), { v: 2 }, 'a batch write is seen at once');
  await cached.delete('config/a');
  t.equal(await cached.get('config/a'), undefined, 'a delete is seen at once');
});

t.test('a read that raced with a write does not cache the old value', async (t) => {
  const { inner, hold } = await countedStorage(t);
  const cached = new ReadCachedStorage(inner);
  await cached.put('cert/web/1_x', { state: 'Applied' });
  let release!: () => void;
  hold(new Promise<void>((resolve) => (release = resolve)));
  const slow = cached.get('cert/web/1_x');
  await new Promise((resolve) => setTimeout(resolve, 20));
  hold(undefined);
  await cached.put('cert/web/1_x', { state: 'Issued' });
  release();
  t.same(await slow, { state: 'Applied' }, 'the racing read saw the value before the write');
  t.same(await cached.get('cert/web/1_x'), { state: 'Issued' }, 'the next read sees the write, not a cached old value');
});

t.test('the cache holds at most its size in bytes', async (t) => {
  const { inner, reads } = await countedStorage(t);
  const cached = new ReadCachedStorage(inner, 10_000);
  for (let i = 0; i < 20; i++) await cached.put(`cert/web/${i}_x`, { pad: 'x'.repeat(900) });
  for (let i = 0; i < 20; i++) await cached.get(`cert/web/${i}_x`);
  reads.length = 0;
  for (let i = 0; i < 20; i++) await cached.get(`cert/web/${i}_x`);
  t.ok(reads.length >= 10, `the oldest entries were evicted (${reads.length} of 20 read again)`);
});
