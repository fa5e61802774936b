/**
 * Restores a snapshot (storage/snapshot.ts) as a server's data directory,
 * offline, for `scmpki operator restore`. Only into an absent or empty
 * `storage_path`: a restore never mixes two stores, and never overwrites one.
 *
 * It is built beside the target and moved into place only once the whole
 * file has been read, its checksum matched, and the seal key has opened the
 * result: a restore killed part-way, or of a damaged file, leaves
 * `storage_path` as it was (and a `*.restoring-*` directory to delete).
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createEmptyStorage, openStorage } from '../storage/level-storage.js';
import { readSnapshot, restoreEntries, type SnapshotHeader } from '../storage/snapshot.js';
import type { SealKeyInHand } from './data-dir.js';
import type { ServerSettings } from './settings.js';

export interface RestoredSnapshot {
  entries: number;
  createdAt: string;
}

/** Undefined when the directory does not exist. */
async function entriesOf(path: string): Promise<string[] | undefined> {
  try {
    return await readdir(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export async function restoreSnapshot(settings: Pick<ServerSettings, 'storage_path'>, sealKey: SealKeyInHand, file: string): Promise<RestoredSnapshot> {
  const target = settings.storage_path;
  if (sealKey.generated) {
    throw new Error(`restoring needs the seal key the snapshot was taken with: put its key file at ${sealKey.source.replace(/^seal key file /, '')} or set SCMPKI_SEAL_KEY`);
  }
  const existing = await entriesOf(target);
  if (existing && existing.length > 0) {
    throw new Error(`storage_path ${target} is not empty: a snapshot is restored only into an empty or absent directory (move the old one away first)`);
  }
  const building = join(dirname(target), `${basename(target)}.restoring-${randomBytes(4).toString('hex')}`);
  try {
    let header: SnapshotHeader | undefined;
    await mkdir(building, { recursive: true, mode: 0o700 });
    const storage = await createEmptyStorage({ path: building, sealKey: sealKey.key });
    let entries: number;
    try {
      entries = await restoreEntries(storage, readSnapshot(createReadStream(file), (read) => (header = read)));
    } finally {
      await storage.close();
    }
    const opened = await openStorage({ path: building, sealKey: sealKey.key, create: false });
    await opened.storage.close();
    if (opened.sealed) throw new Error(`the key from ${sealKey.source} does not open this snapshot: restore with the seal key of the server it was taken from`);
    if (existing) await rmdir(target);
    await rename(building, target);
    return { entries, createdAt: header!.created_at };
  } catch (err) {
    await rm(building, { recursive: true, force: true });
    throw err;
  }
}
