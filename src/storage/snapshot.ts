/**
 * A snapshot of a whole store, for backup while serving and restore into an
 * empty data directory. It holds every entry exactly as stored (rawEntries in
 * storage.ts): sealed values stay sealed, the keyring stays sealed with the
 * seal key, index entries stay the clear JSON they are in the database. So a
 * snapshot holds no secret in clear, and is useless without the seal key, as
 * the database is. It is read from one consistent view, so writes landing
 * while it streams are either wholly in it or not at all.
 *
 * The file, in order (integers big-endian):
 *
 *   "SCMPKI-SNAPSHOT\n"                              16 bytes
 *   'H' u32 length, JSON {format: 1, created_at}     header
 *   'E' u32 key length, key (UTF-8), u32 value length, value     per entry, in key order
 *   'T' u32 entry count, SHA-256 of every byte before the digest
 *
 * The trailer is what proves the file whole: a snapshot cut short (a dropped
 * connection, a full disk) has none, and is refused.
 */
import { createHash, type Hash } from 'node:crypto';
import { prefixRange, type RawEntry, type Storage } from './storage.js';

const MAGIC = Buffer.from('SCMPKI-SNAPSHOT\n', 'latin1');
const FORMAT = 1;
const HEADER = 0x48; // 'H'
const ENTRY = 0x45; // 'E'
const TRAILER = 0x54; // 'T'
const DIGEST_BYTES = 32;
/** Entries per chunk handed to the stream: one write per few hundred kilobytes, not per entry. */
const ENTRIES_PER_CHUNK = 256;

/** The file is not a whole scmpki snapshot. */
export class SnapshotFormatError extends Error {
  override name = 'SnapshotFormatError';
}

export interface SnapshotHeader {
  format: number;
  created_at: string;
}

function u32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
}

function frame(kind: number, ...parts: Buffer[]): Buffer {
  return Buffer.concat([Buffer.from([kind]), ...parts]);
}

/** The snapshot's bytes, in chunks, read from one consistent view of `storage`. */
export async function* snapshotChunks(storage: Storage, now = new Date()): AsyncIterable<Buffer> {
  const hash = createHash('sha256');
  const out = (bytes: Buffer) => {
    hash.update(bytes);
    return bytes;
  };
  const header: SnapshotHeader = { format: FORMAT, created_at: now.toISOString() };
  const headerJson = Buffer.from(JSON.stringify(header), 'utf8');
  yield out(Buffer.concat([MAGIC, frame(HEADER, u32(headerJson.length), headerJson)]));
  let count = 0;
  let pending: Buffer[] = [];
  for await (const [key, stored] of storage.rawEntries(prefixRange(''))) {
    const keyBytes = Buffer.from(key, 'utf8');
    pending.push(frame(ENTRY, u32(keyBytes.length), keyBytes, u32(stored.byteLength), Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength)));
    count++;
    if (pending.length >= ENTRIES_PER_CHUNK) {
      yield out(Buffer.concat(pending));
      pending = [];
    }
  }
  yield out(Buffer.concat([...pending, frame(TRAILER, u32(count))]));
  yield hash.digest();
}

/** Reads exactly the bytes asked for from a chunk stream, hashing what it hands out. */
class ByteReader {
  private buffered: Buffer = Buffer.alloc(0);
  private readonly iterator: AsyncIterator<Buffer>;

  constructor(
    chunks: AsyncIterable<Buffer>,
    private readonly hash: Hash,
  ) {
    this.iterator = chunks[Symbol.asyncIterator]();
  }

  async take(length: number, what: string, hashed = true): Promise<Buffer> {
    while (this.buffered.length < length) {
      const next = await this.iterator.next();
      if (next.done) throw new SnapshotFormatError(`the snapshot ends inside ${what}: the file is cut short`);
      this.buffered = this.buffered.length === 0 ? next.value : Buffer.concat([this.buffered, next.value]);
    }
    const taken = this.buffered.subarray(0, length);
    this.buffered = this.buffered.subarray(length);
    if (hashed) this.hash.update(taken);
    return taken;
  }

  async atEnd(): Promise<boolean> {
    while (this.buffered.length === 0) {
      const next = await this.iterator.next();
      if (next.done) return true;
      this.buffered = next.value;
    }
    return false;
  }
}

/**
 * The entries of a snapshot, in order. The whole file is checked only when
 * the last entry has been read: use what this yields only once it has ended
 * without throwing (restore writes into a new directory and keeps it only then).
 */
export async function* readSnapshot(chunks: AsyncIterable<Buffer>, onHeader: (header: SnapshotHeader) => void = () => undefined): AsyncIterable<RawEntry> {
  const hash = createHash('sha256');
  const reader = new ByteReader(chunks, hash);
  if (!(await reader.take(MAGIC.length, 'its first bytes').catch(() => Buffer.alloc(0))).equals(MAGIC)) {
    throw new SnapshotFormatError('this is not an scmpki snapshot (it does not start with SCMPKI-SNAPSHOT)');
  }
  if ((await reader.take(1, 'the header'))[0] !== HEADER) throw new SnapshotFormatError('the snapshot has no header');
  const header = JSON.parse((await reader.take((await reader.take(4, 'the header')).readUInt32BE(), 'the header')).toString('utf8')) as SnapshotHeader;
  if (header.format !== FORMAT) throw new SnapshotFormatError(`snapshot format ${header.format} is not one this version reads (${FORMAT})`);
  onHeader(header);
  let count = 0;
  for (;;) {
    const kind = (await reader.take(1, 'an entry'))[0];
    if (kind === TRAILER) break;
    if (kind !== ENTRY) throw new SnapshotFormatError(`the snapshot is damaged after entry ${count}`);
    const key = (await reader.take((await reader.take(4, 'an entry')).readUInt32BE(), 'an entry')).toString('utf8');
    const stored = await reader.take((await reader.take(4, 'an entry')).readUInt32BE(), 'an entry');
    count++;
    yield [key, Uint8Array.from(stored)];
  }
  const counted = (await reader.take(4, 'the trailer')).readUInt32BE();
  const expected = hash.digest();
  const digest = await reader.take(DIGEST_BYTES, 'the trailer', false);
  if (counted !== count || !digest.equals(expected)) throw new SnapshotFormatError('the snapshot is damaged: its checksum does not match its contents');
  if (!(await reader.atEnd())) throw new SnapshotFormatError('the snapshot has bytes after its end');
}

/** Writes a snapshot's entries into an empty storage, as they are. */
export async function restoreEntries(storage: Storage, entries: AsyncIterable<RawEntry>): Promise<number> {
  let restored = 0;
  let batch: RawEntry[] = [];
  const flush = async () => {
    const applied = await storage.swapRaw(batch.map(([key, stored]) => ({ key, expected: undefined, next: stored })));
    if (applied.length !== batch.length) throw new Error('the storage restored into is not empty');
    restored += applied.length;
    batch = [];
  };
  for await (const entry of entries) {
    batch.push(entry);
    if (batch.length >= ENTRIES_PER_CHUNK) await flush();
  }
  if (batch.length > 0) await flush();
  return restored;
}
