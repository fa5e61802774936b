/**
 * Where the server's store lives, from its settings: a LevelDB directory
 * (storage_path) or a PostgreSQL database (storage_connection_url). The rest
 * of the start (data-dir.ts) asks the location, not the backend, whether a
 * store exists and opens it. Its description goes into messages and logs,
 * so a connection URL appears with its password hidden.
 */
import { mkdir } from 'node:fs/promises';
import { databaseExists, openStorage } from '../storage/level-storage.js';
import { redactConnectionUrl } from '../storage/postgres/unavailable.js';
import type { OpenedStorage } from '../storage/unseal.js';
import type { ServerSettings } from './settings.js';

export type StorageSettings = Pick<ServerSettings, 'storage_backend' | 'storage_path' | 'storage_connection_url' | 'storage_max_connections'>;

export interface StorageLocation {
  /** `storage_path ./scmpki-data`, `PostgreSQL database postgresql://scmpki:***@db:5432/scmpki`. */
  description: string;
  /** A store already exists here (a server has started on it). */
  exists(): Promise<boolean>;
  /** Makes room for a new store (LevelDB's directory, 0700). */
  prepare(): Promise<void>;
  open(sealKey: Buffer, create: boolean): Promise<OpenedStorage>;
}

/** Loaded only for the PostgreSQL backend: a LevelDB server's start does not pay for the driver. */
const postgres = () => import('../storage/postgres/pg-storage.js');

/** `onConnectionError`: PostgreSQL dropped an idle connection (it restarted); the pool reconnects by itself. */
export function storageLocation(settings: StorageSettings, onConnectionError?: (err: Error) => void): StorageLocation {
  if (settings.storage_backend === 'postgresql') {
    const connection = { connectionUrl: settings.storage_connection_url ?? '', maxConnections: settings.storage_max_connections, onConnectionError };
    return {
      description: `PostgreSQL database ${redactConnectionUrl(connection.connectionUrl)}`,
      exists: async () => (await postgres()).postgresDatabaseExists(connection),
      prepare: async () => undefined,
      open: async (sealKey) => (await postgres()).openPgStorage({ ...connection, sealKey }),
    };
  }
  const path = settings.storage_path;
  return {
    description: `storage_path ${path}`,
    exists: async () => databaseExists(path),
    prepare: async () => void (await mkdir(path, { recursive: true, mode: 0o700 })),
    open: (sealKey, create) => openStorage({ path, sealKey, create }),
  };
}
