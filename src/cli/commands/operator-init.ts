/**
 * `scmpki operator init`: the first start's initialisation, without serving,
 * as `vault operator init` initialises a Vault before anyone uses it. Run it
 * once, as the user the server runs as, before the first `scmpki server`:
 * the root token then appears on this terminal (and in -token-file), never
 * in the service's log.
 */
import { TokenStore } from '../../auth/token-store.js';
import { loadTls } from '../../server/bind-listener.js';
import { openDataDir, sealKeyFor } from '../../server/data-dir.js';
import { rootTokenAnnouncer, type FlushableOutput } from '../../server/root-token-announcement.js';
import type { Terminal } from '../command-context.js';
import { storageLocation } from '../../server/storage-location.js';
import { parseOperatorFlags } from './operator-flags.js';

const USAGE = `
Usage: scmpki operator init [-config=FILE] [-token-file=FILE]

  Initialises a new data directory without starting the server: checks the
  settings (the TLS pair must load), writes the seal key file if there is
  none (unless SCMPKI_SEAL_KEY is set), creates the database and a root token,
  and prints the token once. A data directory that already holds a database
  is refused; for a new root token use "scmpki operator generate-root".

      $ scmpki operator init -config=scmpki.json -token-file=root-token

Options:
  -config=FILE       The server's JSON config file (SCMPKI_* variables apply as for the server)
  -token-file=FILE   Also write the root token to FILE (mode 0600)
`;

export async function operatorInitCommand(argv: string[], term: Terminal): Promise<number> {
  const parsed = await parseOperatorFlags(argv, term, USAGE);
  if (!parsed) return 0;
  const { settings, tokenFile } = parsed;
  await loadTls(settings);
  const sealKey = await sealKeyFor(settings, term.env);
  if (sealKey.databaseExists) {
    throw new Error(
      `${storageLocation(settings).description} already holds a database; for a new root token stop the server and run "scmpki operator generate-root"`,
    );
  }
  const { storage } = await openDataDir(settings, sealKey, { create: true, serveSealed: false });
  try {
    term.stdout.write(`Initialised a new database at ${storageLocation(settings).description}, sealed with the key from ${sealKey.source}.\n`);
    await new TokenStore(storage).ensureRootToken(undefined, rootTokenAnnouncer(term.stdout as FlushableOutput, tokenFile));
  } finally {
    await storage.close();
  }
  return 0;
}
