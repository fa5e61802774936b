/**
 * `scmpki operator restore FILE`: a snapshot taken by `operator backup` (or
 * GET sys/storage/raft/snapshot) made into the data directory of a stopped
 * server, offline, with the seal key the snapshot was taken with. Only into
 * an absent or empty `storage_path` (server/restore-snapshot.ts).
 */
import { sealKeyFor } from '../../server/data-dir.js';
import { restoreSnapshot } from '../../server/restore-snapshot.js';
import type { Terminal } from '../command-context.js';
import { parseOperatorFlags } from './operator-flags.js';

const USAGE = `
Usage: scmpki operator restore [-config=FILE] SNAPSHOT

  Restores a snapshot into the server's storage_path, which must be absent or
  empty: move a damaged data directory away first. The seal key
  (seal_key_file or SCMPKI_SEAL_KEY) must be the one of the server the
  snapshot was taken from; the restore checks it opens the snapshot. Then
  start the server on it.

      $ scmpki operator restore -config=scmpki.json scmpki-2026-01-31.snap
      $ systemctl start scmpki

Options:
  -config=FILE       The server's JSON config file (SCMPKI_* variables apply as for the server)
`;

export async function operatorRestoreCommand(argv: string[], term: Terminal): Promise<number> {
  const parsed = await parseOperatorFlags(argv, term, USAGE, { flags: [], file: true });
  if (!parsed) return 0;
  const { settings, file } = parsed;
  const sealKey = await sealKeyFor(settings, term.env);
  const restored = await restoreSnapshot(settings, sealKey, file!);
  term.stdout.write(`Restored ${restored.entries} entries from the snapshot of ${restored.createdAt} into ${settings.storage_path}.\n`);
  return 0;
}
