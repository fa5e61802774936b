/**
 * `scmpki operator migrate-storage -from=leveldb:DIR -to=postgresql:URL`:
 * moves a stopped server's store to another backend. Values are copied as
 * stored, still sealed, so the target opens with the same seal key; then
 * both stores are read again and compared entry by entry.
 */
import { sealKeyFor } from '../../server/data-dir.js';
import type { ServerSettings } from '../../server/settings.js';
import { storageLocation, type StorageLocation, type StorageSettings } from '../../server/storage-location.js';
import { copyStore, verifyCopy } from '../../storage/copy-store.js';
import type { Terminal } from '../command-context.js';
import { LocalError } from '../local-error.js';
import { parseOperatorFlags } from './operator-flags.js';

const USAGE = `
Usage: scmpki operator migrate-storage -from=BACKEND:LOCATION -to=BACKEND:LOCATION [options]

  Copies every entry of a stopped server's store into a new, empty store of
  another backend, under the same seal key, then reads both back and
  compares every entry. The source is left as it was.

      $ systemctl stop scmpki
      $ scmpki operator migrate-storage -config=scmpki.json \\
          -from=leveldb:/var/lib/scmpki/data \\
          -to=postgresql:postgresql://scmpki:PASSWORD@db.example.com:5432/scmpki
      (set storage_backend and storage_connection_url in scmpki.json)
      $ systemctl start scmpki

  LOCATION is a LevelDB directory (leveldb:DIR) or a PostgreSQL connection URL
  (postgresql:URL). The seal key is the server's: SCMPKI_SEAL_KEY, else the
  seal_key_file of -config. A target that already holds data is refused.

Options:
  -config=FILE   The server's JSON config file (for its seal key; SCMPKI_* apply)
  -from=B:L      The store to copy (it must open with the seal key)
  -to=B:L        The new store
`;

/** `leveldb:DIR` or `postgresql:URL` as storage settings. */
function parseLocation(flag: 'from' | 'to', text: string | undefined, settings: ServerSettings): StorageSettings {
  const colon = text?.indexOf(':') ?? -1;
  const backend = text?.slice(0, colon);
  const location = text?.slice(colon + 1) ?? '';
  if (backend === 'leveldb' && location !== '') return { ...settings, storage_backend: 'leveldb', storage_path: location };
  if (backend === 'postgresql' && /^postgres(ql)?:\/\//.test(location)) return { ...settings, storage_backend: 'postgresql', storage_connection_url: location };
  throw new LocalError(`-${flag}: expected leveldb:DIR or postgresql:postgresql://USER:PASSWORD@HOST:PORT/DATABASE\n${USAGE.trimEnd()}`);
}

export async function operatorMigrateStorageCommand(argv: string[], term: Terminal): Promise<number> {
  const parsed = await parseOperatorFlags(argv, term, USAGE, { flags: ['from', 'to'] });
  if (!parsed) return 0;
  const { settings, values } = parsed;
  const fromSettings = parseLocation('from', values.from, settings);
  const toSettings = parseLocation('to', values.to, settings);
  const from = storageLocation(fromSettings);
  const to = storageLocation(toSettings);
  if (!(await from.exists())) throw new LocalError(`${from.description} holds no database to migrate`);
  if (await to.exists()) throw new LocalError(`${to.description} already holds a database; migrate into an empty one`);
  const sealKey = await sealKeyFor({ ...settings, ...fromSettings }, term.env);
  const source = await openWithKey(from, sealKey.key, sealKey.source, false);
  try {
    await to.prepare();
    const target = await openWithKey(to, sealKey.key, sealKey.source, true);
    try {
      const copied = await copyStore(source, target);
      term.stdout.write(`Copied ${copied.entries} entries (${copied.sealed} sealed, ${copied.clear} clear index entries) from ${from.description} to ${to.description}.\n`);
      const verified = await verifyCopy(source, target);
      term.stdout.write(`Verified: ${verified} entries in each, every key and value identical.\n`);
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
  return 0;
}

async function openWithKey(location: StorageLocation, key: Buffer, keySource: string, create: boolean) {
  const { storage, sealed } = await location.open(key, create);
  if (sealed) {
    await storage.close();
    throw new LocalError(`the key from ${keySource} does not open ${location.description}`);
  }
  return storage;
}
