/**
 * The data directory and its seal key, as a start, `operator init` and
 * `operator generate-root` all need them. The orderings that make a first
 * start safe to kill at any point:
 *
 *   1. the key is read (or made in memory, for a new database) before
 *      anything is written, and a key is made only when there is no database:
 *      a database whose key file is missing is an error, never a new key;
 *   2. a new key file is written before the database is created, so no
 *      database ever exists without its key having been saved;
 *   3. a key that does not open an existing database is an error naming where
 *      the key came from, unless the operator asked to serve sealed.
 *
 * What comes after (the root token, shown before it is stored) is in
 * auth/token-store.ts `ensureRootToken`.
 */
import type { Barrier } from '../storage/barrier.js';
import { decodeSealKey, generateSealKey, readSealKeyFile, writeNewSealKeyFile } from '../storage/seal-key.js';
import type { Storage } from '../storage/storage.js';
import type { ServerSettings } from './settings.js';
import { storageLocation, type StorageSettings } from './storage-location.js';

type DataDirSettings = StorageSettings & Pick<ServerSettings, 'seal_key_file'>;

export interface SealKeyInHand {
  key: Buffer;
  /** For messages: `seal key file /etc/scmpki/seal.key`, `SCMPKI_SEAL_KEY`. */
  source: string;
  /** A database already exists at storage_path (or in PostgreSQL). */
  databaseExists: boolean;
  /** Made here for a new database (no key file, no SCMPKI_SEAL_KEY). */
  generated: boolean;
  /** Writes the key file of a key made for a new database; nothing for a key that was read. */
  save(): Promise<void>;
}

/**
 * Step 1: the key, without writing anything. `given` (dev mode, tests) wins
 * over SCMPKI_SEAL_KEY, which wins over the key file.
 */
export async function sealKeyFor(settings: DataDirSettings, env: NodeJS.ProcessEnv, given?: Buffer): Promise<SealKeyInHand> {
  const location = storageLocation(settings);
  const exists = await location.exists();
  const read = (key: Buffer, source: string): SealKeyInHand => ({ key, source, databaseExists: exists, generated: false, save: async () => undefined });
  if (given) return read(given, 'the seal key given');
  if (env.SCMPKI_SEAL_KEY) return read(decodeSealKey(env.SCMPKI_SEAL_KEY, 'SCMPKI_SEAL_KEY'), 'SCMPKI_SEAL_KEY');
  const path = settings.seal_key_file;
  const fromFile = await readSealKeyFile(path);
  if (fromFile) return read(fromFile, `seal key file ${path}`);
  if (exists) {
    throw new Error(
      `seal key file ${path} does not exist, but ${location.description} holds a database: ` +
        `restore the key file from its backup (or set SCMPKI_SEAL_KEY). A new key could not open this database, so none is made.`,
    );
  }
  const key = generateSealKey();
  return { key, source: `seal key file ${path}`, databaseExists: false, generated: true, save: () => writeNewSealKeyFile(path, key) };
}

export interface OpenedDataDir {
  storage: Storage;
  /** Only with `serveSealed`: the key does not open the database. */
  sealed: boolean;
  /** The keys the storage seals with (key rotation changes them). */
  barrier: Barrier;
  /** This call created the database. */
  created: boolean;
  /** Where the store is, for logs (a connection URL without its password). */
  description: string;
}

/** Steps 2 and 3. `create: false` refuses a data dir that holds no database yet. */
export async function openDataDir(
  settings: DataDirSettings,
  sealKey: SealKeyInHand,
  options: { create: boolean; serveSealed: boolean; onConnectionError?: (err: Error) => void },
): Promise<OpenedDataDir> {
  const location = storageLocation(settings, options.onConnectionError);
  const created = !sealKey.databaseExists;
  if (created && !options.create) {
    throw new Error(`${location.description} holds no database: run "scmpki operator init" (or start the server) first`);
  }
  if (created) {
    await sealKey.save();
    await location.prepare();
  }
  const { storage, sealed, barrier } = await location.open(sealKey.key, created);
  if (sealed && !options.serveSealed) {
    await storage.close();
    throw new Error(
      `the key from ${sealKey.source} does not open the database at ${location.description}: ` +
        `start with the key this database was created with (seal_key_file or SCMPKI_SEAL_KEY). ` +
        `To run sealed instead, answering only sys/health and sys/seal-status, set serve_sealed=true.`,
    );
  }
  return { storage, sealed, barrier, created, description: location.description };
}
