import type { Test } from 'tap';
import { t } from '../helpers/suite.js';
import { randomBytes } from 'node:crypto';
import { readingFresh } from '../../src/storage/fresh-reads.js';
import { ReadCachedStorage } from '../../src/storage/read-cache.js';
import type { Storage } from '../../src/storage/storage.js';
import { tempDir } from '../helpers/temp-dir.js';
import { openTestStorage } from '../helpers/test-storage.js';
import { sleep } from '../helpers/wait-for.js';

/** The real storage (the backend under test), counting the reads that reach it and optionally holding them back. */
async function countedStorage(t: Test) {
  const { storage } = await openTestStorage(await tempDir(t, 'read-cache'), randomBytes(32));
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
  const hold = (until: Promise<void> | undefined) => (holdBack = until);
  /** A read of `key` through `cached` that reaches the storage and waits there until released; later reads do not wait. */
  async function readHeldBack(cached: Storage, key: string) {
    let release!: () => void;
    hold(new Promise<void>((resolve) => (release = resolve)));
    const slow = cached.get(key);
    await sleep(20);
    hold(undefined);
    return { slow, release };
  }
  return { inner, reads, hold, readHeldBack };
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
  const { inner, readHeldBack } = await countedStorage(t);
  const cached = new ReadCachedStorage(inner);
  await cached.put('cert/web/1_x', { state: 'Applied' });
  const { slow, release } = await readHeldBack(cached, 'cert/web/1_x');
  await cached.put('cert/web/1_x', { state: 'Issued' });
  release();
  t.same(await slow, { state: 'Applied' }, 'the racing read saw the value before the write');
  t.same(await cached.get('cert/web/1_x'), { state: 'Issued' }, 'the next read sees the write, not a cached old value');
});

t.test('a read is cached however busy the store is with other keys', async (t) => {
  const { inner, reads, readHeldBack } = await countedStorage(t);
  const cached = new ReadCachedStorage(inner);
  await cached.put('profile/demo/2001', { v: 1 });
  const { slow, release } = await readHeldBack(cached, 'profile/demo/2001');
  // An enroll burst: other records written while the profile is being read.
  await cached.batch([{ type: 'put', key: 'cert/demo/1_x', value: { v: 1 } }]);
  await cached.put('intent/demo/abc', { v: 1 });
  release();
  t.same(await slow, { v: 1 });
  reads.length = 0;
  t.same(await cached.get('profile/demo/2001'), { v: 1 });
  t.same(reads, [], 'the read that raced only with writes of other keys was cached');
});

t.test('a read in flight when clear() forgets everything is not cached', async (t) => {
  const { inner, reads, readHeldBack } = await countedStorage(t);
  const cached = new ReadCachedStorage(inner);
  await inner.put('policy/a', { v: 1 });
  const { slow, release } = await readHeldBack(cached, 'policy/a');
  await inner.put('policy/a', { v: 2 });
  cached.clear();
  release();
  t.same(await slow, { v: 1 });
  t.same(await cached.get('policy/a'), { v: 2 }, 'read again, not the value read before clear()');
  t.equal(reads.length, 2);
});

t.test('the cache holds at most its size in bytes', async (t) => {
  const { inner, reads } = await countedStorage(t);
  const cached = new ReadCachedStorage(inner, { maxBytes: 10_000 });
  for (let i = 0; i < 20; i++) await cached.put(`cert/web/${i}_x`, { pad: 'x'.repeat(900) });
  for (let i = 0; i < 20; i++) await cached.get(`cert/web/${i}_x`);
  reads.length = 0;
  for (let i = 0; i < 20; i++) await cached.get(`cert/web/${i}_x`);
  t.ok(reads.length >= 10, `the oldest entries were evicted (${reads.length} of 20 read again)`);
});

t.test('concurrent misses of one key share one read, but not one that began before a write', async (t) => {
  const { inner, reads, hold } = await countedStorage(t);
  const cached = new ReadCachedStorage(inner);
  await inner.put('cert/web/1', { v: 1 });
  let release!: () => void;
  hold(new Promise<void>((resolve) => (release = resolve)));
  const herd = Array.from({ length: 20 }, () => cached.get('cert/web/1'));
  t.equal(reads.length, 1, 'twenty readers, one read in flight');
  await cached.put('cert/web/1', { v: 2 });
  const after = cached.get('cert/web/1');
  t.equal(reads.length, 2, 'a reader after the write does not join the older read');
  release();
  hold(undefined);
  t.same(await Promise.all(herd), Array.from({ length: 20 }, () => ({ v: 1 })));
  t.same(await after, { v: 2 });
});

t.test('another replica\'s writes: invalidate drops keys, clear drops all, entries age out, fresh reads skip the cache', async (t) => {
  const { inner, reads } = await countedStorage(t);
  const cached = new ReadCachedStorage(inner, { maxAgeMs: 200 });
  await inner.put('policy/a', { v: 1 });
  await inner.put('policy/b', { v: 1 });
  await cached.get('policy/a');
  await cached.get('policy/b');
  await inner.put('policy/a', { v: 2 });
  cached.invalidate(['policy/a']);
  t.same(await cached.get('policy/a'), { v: 2 }, 'an invalidated key is read again');
  t.same(await cached.get('policy/b'), { v: 1 }, 'others stay cached');
  await inner.put('policy/b', { v: 2 });
  cached.clear();
  t.same(await cached.get('policy/b'), { v: 2 }, 'clear forgets everything');
  await inner.put('policy/b', { v: 3 });
  const before = reads.length;
  t.same(await readingFresh(() => cached.get('policy/b')), { v: 3 }, 'under a cluster lock, the value in storage');
  t.equal(reads.length, before + 1);
  await inner.put('policy/b', { v: 4 });
  await sleep(250);
  t.same(await cached.get('policy/b'), { v: 4 }, 'an entry older than maxAgeMs is read again');
});
