/**
 * A server as one replica of a PostgreSQL database (cluster.ts): its
 * coordination session, the advisory-lock Locks, the leader lease and the
 * write notices, all over that one session.
 */
import { randomUUID } from 'node:crypto';
import { ChangeFeed } from './change-feed.js';
import type { Cluster } from './cluster.js';
import { CoordinationConnection, type ClusterLogger } from './coordination-connection.js';
import { LeaseLeadership, type LeaseTimings } from './leadership.js';
import { PgLocks } from './pg-locks.js';

export interface ClusterOptions {
  connectionString: string;
  /** The address this replica advertises (`api_addr`): what `sys/leader` shows when it leads. */
  address: string;
  lease: LeaseTimings;
  cacheMaxAgeMs: number;
  logger: ClusterLogger;
}

export async function joinCluster(options: ClusterOptions): Promise<Cluster> {
  const connection = new CoordinationConnection({ connectionString: options.connectionString, logger: options.logger });
  await connection.open();
  const feed = new ChangeFeed(connection, options.logger);
  const leadership = new LeaseLeadership(connection, { holder: randomUUID(), address: options.address }, options.lease, options.logger);
  return {
    locks: new PgLocks(connection),
    leadership,
    shared: (storage) => feed.publishing(storage),
    onChange: (listener) => feed.onChange(listener),
    cacheMaxAgeMs: options.cacheMaxAgeMs,
    close: () => connection.close(),
  };
}
