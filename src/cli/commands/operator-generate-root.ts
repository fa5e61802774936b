/**
 * `scmpki operator generate-root`: a new root token for a lost one. Vault
 * asks a quorum of unseal-key holders; here the seal key is the one secret
 * that opens the data, so holding it (and the data directory) is the
 * authority. It works offline, on a stopped server's data directory:
 * LevelDB's lock keeps it from running beside a server.
 */
import { TokenStore } from '../../auth/token-store.js';
import { openDataDir, sealKeyFor } from '../../server/data-dir.js';
import { rootTokenAnnouncer, type FlushableOutput } from '../../server/root-token-announcement.js';
import { DatabaseInUseError } from '../../storage/level-storage.js';
import type { Terminal } from '../command-context.js';
import { parseOperatorFlags } from './operator-flags.js';

const USAGE = `
Usage: scmpki operator generate-root [-config=FILE] [-token-file=FILE]

  Creates a new root token in a stopped server's data directory and prints it
  once. The seal key (seal_key_file or SCMPKI_SEAL_KEY) must open the
  database: possession of the key is the authority. Tokens made before keep
  working; revoke them with their own token if you still have it.

      $ systemctl stop scmpki
      $ scmpki operator generate-root -config=scmpki.json -token-file=root-token
      $ systemctl start scmpki

Options:
  -config=FILE       The server's JSON config file (SCMPKI_* variables apply as for the server)
  -token-file=FILE   Also write the root token to FILE (mode 0600)
`;

export async function operatorGenerateRootCommand(argv: string[], term: Terminal): Promise<number> {
  const parsed = await parseOperatorFlags(argv, term, USAGE);
  if (!parsed) return 0;
  const { settings, tokenFile } = parsed;
  const sealKey = await sealKeyFor(settings, term.env);
  const opened = await openDataDir(settings, sealKey, { create: false, serveSealed: false }).catch((err: unknown) => {
    if (err instanceof DatabaseInUseError) throw new Error(`${err.message}: stop the server first`);
    throw err;
  });
  try {
    await new TokenStore(opened.storage).generateRoot(rootTokenAnnouncer(term.stdout as FlushableOutput, tokenFile));
  } finally {
    await opened.storage.close();
  }
  return 0;
}
