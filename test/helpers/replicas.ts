/**
 * Several `scmpki server` processes on one PostgreSQL database, as a load
 * balancer would see them: they share a seal key, every one serves the API,
 * one leads background work. The first one starts alone (it prints the root
 * token), the others together.
 */
import { join } from 'node:path';
import type { Test } from 'tap';
import { ChangeFeed } from '../../src/cluster/change-feed.js';
import { CoordinationConnection } from '../../src/cluster/coordination-connection.js';
import { LocalLocks } from '../../src/lifecycle/locks.js';
import { RecordStore } from '../../src/lifecycle/record-store.js';
import type { CertificateRecord } from '../../src/lifecycle/record.js';
import { openPgStorage } from '../../src/storage/postgres/pg-storage.js';
import { readSealKeyFile } from '../../src/storage/seal-key.js';
import { startServerProcess, type ServerProcess } from './server-process.js';
import { testDatabase } from './test-storage.js';
import { tempDir } from './temp-dir.js';
import { engineCaller, vaultRequest, type ApiReply } from './vault-api.js';

export interface Replicas {
  servers: ServerProcess[];
  rootToken: string;
  /** The engine on the next live replica, round-robin. */
  next(): ReturnType<typeof engineCaller>;
  /** The live replica that leads background work now (sys/leader), if one does. */
  leader(): Promise<ServerProcess | undefined>;
  /** kill -9: the replica no longer gets requests. */
  kill(server: ServerProcess): Promise<void>;
  /**
   * Rewrites a stored record as one more replica would: into the database,
   * announced to the others' caches (what SCM or time would do to a record,
   * without waiting for it).
   */
  editRecord(config: string, id: string, change: (record: CertificateRecord) => CertificateRecord): Promise<void>;
}

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

export async function startReplicas(t: Test, count: number, settings: Record<string, unknown> = {}): Promise<Replicas> {
  const dataDir = await tempDir(t, 'replicas');
  const database = (settings.storage_connection_url as string | undefined) ?? (await testDatabase());
  const all = {
    storage_backend: 'postgresql',
    storage_connection_url: database,
    log_level: 'info',
    ...settings,
  };
  const first = await startServerProcess(t, dataDir, all);
  const rootToken = first.rootToken ?? '';
  if (!rootToken) throw new Error(`the first replica printed no root token:\n${first.output()}`);
  const servers = [first, ...(await Promise.all(Array.from({ length: count - 1 }, () => startServerProcess(t, dataDir, all))))];
  const live = new Set(servers);
  let turn = 0;
  return {
    servers,
    rootToken,
    next() {
      const alive = servers.filter((server) => live.has(server));
      return engineCaller(alive[turn++ % alive.length].url, rootToken);
    },
    async leader() {
      for (const server of servers.filter((s) => live.has(s))) {
        if ((await sysLeader(server)).body.is_self === true) return server;
      }
      return undefined;
    },
    async kill(server) {
      live.delete(server);
      await server.kill('SIGKILL');
    },
    async editRecord(config, id, change) {
      const sealKey = await readSealKeyFile(join(dataDir, 'seal.key'));
      if (!sealKey) throw new Error('the replicas wrote no seal key file');
      const { storage } = await openPgStorage({ connectionUrl: database, maxConnections: 2, sealKey });
      const connection = new CoordinationConnection({ connectionString: database, logger: quiet });
      await connection.open();
      try {
        const records = new RecordStore(new ChangeFeed(connection, quiet).publishing(storage), new LocalLocks());
        await records.save([change(await records.require(config, id))]);
      } finally {
        await connection.close();
        await storage.close();
      }
    },
  };
}

export function sysLeader(server: ServerProcess): Promise<ApiReply> {
  return vaultRequest(server.url, '', 'GET', 'sys/leader');
}
