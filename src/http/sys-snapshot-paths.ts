/**
 * sys/storage/raft/snapshot (Vault's path, so `vault operator raft snapshot
 * save` works) and sys/storage/snapshot: a consistent snapshot of the whole
 * store, streamed while the server keeps serving. Needs `sudo` as well as
 * `read`: the file holds every sealed private key (useless without the seal
 * key, but still the estate). Restoring is offline, into an empty data
 * directory (`scmpki operator restore`), never over a live store.
 */
import { Readable } from 'node:stream';
import { definePath, type PathDefinition } from '../framework/path.js';
import { snapshotChunks } from '../storage/snapshot.js';
import type { Storage } from '../storage/storage.js';

export interface SnapshotPathContext {
  storage: Storage;
}

function snapshotPath(pattern: string): PathDefinition<SnapshotPathContext> {
  return definePath<SnapshotPathContext>({
    pattern,
    synopsis: 'Download a snapshot of the store (backup while serving)',
    help: [
      'GET streams every stored entry as stored (values sealed, index entries as they are), read from one consistent view:',
      'writes landing meanwhile are wholly in it or not at all. The file ends with a checksum; restore it with',
      '`scmpki operator restore FILE` into an empty data directory, with the same seal key. Needs `sudo`.',
      '',
      '    curl -sf -H "X-Vault-Token: $VAULT_TOKEN" "$VAULT_ADDR/v1/sys/storage/raft/snapshot" -o scmpki.snap',
    ].join('\n'),
    fields: {},
    operations: {
      read: async (_req, ctx) => ({ verbatim: { status: 200, contentType: 'application/octet-stream', body: Readable.from(snapshotChunks(ctx.storage)) } }),
    },
  });
}

/** Mounted at `sys/storage`. */
export const snapshotPaths: PathDefinition<SnapshotPathContext>[] = [snapshotPath('raft/snapshot'), snapshotPath('snapshot')];
