/**
 * What the lifecycle operations work with: the typed stores, the one lock
 * abstraction, SCM access per config entry, the server's limits and a logger.
 * Each operation names the few of these it uses (`Deps<'records' | 'locks'>`),
 * so a function's signature says what it touches. The server builds one
 * LifecycleServices at start (server/services.ts) and hands it to the paths
 * and the background workers; nothing is filled in later.
 */
import type { BatchOp, Storage } from '../storage/storage.js';
import { ConfigStore, type ConfigEntry } from './config-store.js';
import { IdempotencyLedger } from './idempotency.js';
import { ImportJobs } from './import-jobs.js';
import { LocalLocks, type Locks } from './locks.js';
import { OrderIntentStore } from './order-intents.js';
import { ProfileStore } from './profile-store.js';
import { RecordStore } from './record-store.js';
import type { CertificateRecord } from './record.js';
import type { CollectErrorClassifier, ScmOrders } from './scm-orders.js';
import { NO_TELEMETRY, type LifecycleTelemetry } from './telemetry.js';

export interface LifecycleLogger {
  trace(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** SCM, as the lifecycle sees it: the operations of one config entry's connection. */
export interface ScmAccess {
  /** Shares the server's one SCM concurrency limit; a changed connection gets a new client. */
  ordersFor(config: ConfigEntry): ScmOrders;
  classifyCollectError: CollectErrorClassifier;
}

export interface LifecycleLimits {
  /** The server's request deadline; a collect loop answers before it. */
  maxRequestDurationMs: number;
  /**
   * How long an order call whose answer was lost (crash, timeout) may still
   * land at SCM: before then, SCM not showing the order proves nothing.
   */
  orderGraceMs: number;
}

export interface LifecycleServices {
  records: RecordStore;
  configs: ConfigStore;
  profiles: ProfileStore;
  intents: OrderIntentStore;
  idempotency: IdempotencyLedger;
  /** Running and finished imports from SCM, per config (this process only). */
  imports: ImportJobs;
  /** Writes operations built by several stores in one atomic batch. */
  batch(ops: BatchOp[]): Promise<void>;
  locks: Locks;
  scm: ScmAccess;
  limits: LifecycleLimits;
  logger: LifecycleLogger;
  /** Counts of operations and background passes, for the server's metrics. */
  telemetry: LifecycleTelemetry;
}

/** The part of the services an operation uses. */
export type Deps<K extends keyof LifecycleServices> = Pick<LifecycleServices, K>;

export const DEFAULT_ORDER_GRACE_MS = 2 * 60_000;

/** What a lifecycle operation hands back to a path handler. */
export interface LifecycleResult {
  record: CertificateRecord;
  warnings: string[];
}

export function createLifecycleServices(options: {
  storage: Storage;
  scm: ScmAccess;
  limits: LifecycleLimits;
  logger: LifecycleLogger;
  telemetry?: LifecycleTelemetry;
  locks?: Locks;
}): LifecycleServices {
  const { storage } = options;
  const locks = options.locks ?? new LocalLocks();
  return {
    records: new RecordStore(storage, locks, options.logger),
    configs: new ConfigStore(storage),
    profiles: new ProfileStore(storage),
    intents: new OrderIntentStore(storage),
    idempotency: new IdempotencyLedger(storage),
    imports: new ImportJobs(),
    batch: (ops) => storage.batch(ops),
    locks,
    scm: options.scm,
    limits: options.limits,
    logger: options.logger,
    telemetry: options.telemetry ?? NO_TELEMETRY,
  };
}

/** Until when an order call made at `startedAt` (RFC 3339) may still land at SCM, in epoch ms. */
export function orderSettlesAt(limits: LifecycleLimits, startedAt: string): number {
  return Date.parse(startedAt) + limits.orderGraceMs;
}
