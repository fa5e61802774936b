/**
 * What a server needs to run as one of several replicas on one storage, in
 * one object: the lifecycle's locks, the leadership of background work, and
 * how caches learn of other replicas' writes. `soleNode()` is a process on
 * its own storage (LevelDB): in-process locks, always the leader, no one
 * else writes. `joinCluster()` (join-cluster.ts, loaded only for the
 * PostgreSQL backend: it brings the pg driver) is a replica of a PostgreSQL
 * database. The server picks one by storage backend (server/services.ts).
 */
import { LocalLocks, type Locks } from '../lifecycle/locks.js';
import type { Storage } from '../storage/storage.js';
import type { Change } from './change-feed.js';
import { SoleLeadership, type Leadership } from './leadership.js';

export type { Change } from './change-feed.js';

export interface Cluster {
  locks: Locks;
  leadership: Leadership;
  /** The storage as this replica should write it (announcing writes to the others). */
  shared(storage: Storage): Storage;
  /** Another replica wrote; never called on a sole node. */
  onChange(listener: (change: Change) => void): void;
  /** Age limit for cached values, when other replicas write too. */
  cacheMaxAgeMs?: number;
  close(): Promise<void>;
}

export function soleNode(): Cluster {
  return {
    locks: new LocalLocks(),
    leadership: new SoleLeadership(),
    shared: (storage) => storage,
    onChange: () => undefined,
    close: async () => undefined,
  };
}
