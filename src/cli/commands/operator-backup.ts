/**
 * `scmpki operator backup FILE`: a snapshot of the running server's store
 * (sys/storage/raft/snapshot, which needs sudo), as `vault operator raft
 * snapshot save` takes one. The file is written beside FILE first (0600) and
 * renamed into place only once its checksum has been verified, so FILE is
 * never a cut-short snapshot.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { readSnapshot } from '../../storage/snapshot.js';
import { createClient, parseCommand, reportApiErrors, requirePositionals, type CommandSpec, type Terminal } from '../command-context.js';

const spec: CommandSpec = {
  usage: `
Usage: scmpki operator backup [options] FILE

  Saves a snapshot of the server's whole store to FILE while it keeps
  serving. Values stay sealed as in the database: the snapshot is useless
  without the seal key, so keep the two apart. Restore it with
  "scmpki operator restore FILE" into an empty data directory.
  Needs a token with sudo on sys/storage/raft/snapshot.

      $ scmpki operator backup scmpki-$(date +%F).snap

Options: -address=URL  -ca-cert=FILE  -tls-skip-verify
`,
};

export async function operatorBackupCommand(argv: string[], term: Terminal): Promise<number> {
  const parsed = parseCommand(argv, spec, term);
  if (!parsed) return 0;
  requirePositionals(parsed, 1, 1, spec);
  const file = parsed.positionals[0];
  const client = await createClient(parsed, term.env);
  return reportApiErrors(term, 'Error taking the snapshot', async () => {
    const partial = `${file}.partial-${randomBytes(4).toString('hex')}`;
    try {
      await pipeline(await client.download('sys/storage/raft/snapshot'), createWriteStream(partial, { mode: 0o600, flags: 'wx' }));
      let entries = 0;
      for await (const _entry of readSnapshot(createReadStream(partial))) entries++;
      await rename(partial, file);
      term.stdout.write(`Snapshot saved to ${file}: ${entries} entries.\n`);
      return 0;
    } finally {
      await rm(partial, { force: true });
    }
  });
}
