/**
 * Builds everything a running server serves with, in dependency order:
 * storage (opened by start.ts) → SCM client cache (one limiter for every SCM
 * call) → lifecycle services → background workers, each reporting to the
 * server's metrics and its own named logger. The HTTP app is built after
 * this, from a finished object: nothing is filled in later.
 */
import { AuditBroker, type AuditLogger } from '../audit/broker.js';
import { AuditDeviceStore } from '../audit/device-store.js';
import { closeKeyPool, keyPoolQueueSize, onKeyTask } from '../pki/index.js';
import { classifyCollectError, createScmLimiter, type ScmLimiter } from '../scm/index.js';
import { countEstate } from '../lifecycle/estate.js';
import type { Loggers } from '../logging.js';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import type { Storage } from '../storage/storage.js';
import { soleNode, type Cluster } from '../cluster/cluster.js';
import type { ClusterLogger } from '../cluster/coordination-connection.js';
import { ReadCachedStorage } from '../storage/read-cache.js';
import type { Leadership } from '../cluster/leadership.js';
import type { Locks } from '../lifecycle/locks.js';
import { createLifecycleServices, DEFAULT_ORDER_GRACE_MS, type LifecycleLimits, type LifecycleLogger, type LifecycleServices } from '../lifecycle/services.js';
import { scmOrdersFor } from '../lifecycle/scm-orders.js';
import { ScmClientCache, type ScmObserver } from '../lifecycle/scm-clients.js';
import { BackgroundCollector, DEFAULT_COLLECTOR_SETTINGS, type CollectorSettings } from '../lifecycle/workers/collector.js';
import { BackgroundRenewer, DEFAULT_RENEWER_SETTINGS, type RenewerSettings } from '../lifecycle/workers/renewer.js';
import type { ServerSettings } from './settings.js';

export interface LifecycleSettings {
  /** Milliseconds; see LifecycleLimits.orderGraceMs. */
  orderGraceMs?: number;
  collector?: Partial<CollectorSettings>;
  renewer?: Partial<RenewerSettings>;
}

export interface LifecycleOptions {
  storage: Storage;
  /** Locks shared by every replica of the storage, and who runs background work (cluster/cluster.ts); default: a sole node. */
  cluster?: { locks: Locks; leadership: Leadership };
  limiter: ScmLimiter;
  maxRequestDurationMs: number;
  logger: LifecycleLogger;
  settings?: LifecycleSettings;
  /** A server's: metrics, and a logger each for SCM calls and the two workers. */
  observed?: { metrics: ServerMetrics; loggers: Loggers };
}

export interface RunningLifecycle {
  lifecycle: LifecycleServices;
  /** The one limiter every SCM call of this lifecycle goes through. */
  limiter: ScmLimiter;
  /** Told of every SCM call attempt (also for calls outside the cache, such as verifying credentials). */
  onScmRequest?: ScmObserver;
  scmClients: ScmClientCache;
  collector: BackgroundCollector;
  renewer: BackgroundRenewer;
  leadership: Leadership;
  /**
   * Brings the indexes up to date, then runs the background workers (those
   * enabled in the settings) whenever this replica leads.
   */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Each attempt into the metrics and, at debug, a line without headers or bodies. */
function scmObserver(metrics: ServerMetrics, loggers: Loggers): ScmObserver {
  const logger = loggers.get('scm');
  return (event) => {
    metrics.observeScm(event);
    const { method, endpoint, status, attempt, error } = event;
    logger.debug({ method, endpoint, status, ms: Math.round(event.durationMs), attempt, ...(error && { code: error.code, description: error.description }) }, 'SCM request');
  };
}

export function createLifecycle(options: LifecycleOptions): RunningLifecycle {
  const { observed } = options;
  const cluster = options.cluster ?? soleNode();
  const onScmRequest = observed && scmObserver(observed.metrics, observed.loggers);
  const scmClients = new ScmClientCache(options.limiter, onScmRequest);
  const limits: LifecycleLimits = {
    maxRequestDurationMs: options.maxRequestDurationMs,
    orderGraceMs: options.settings?.orderGraceMs ?? DEFAULT_ORDER_GRACE_MS,
  };
  const lifecycle = createLifecycleServices({
    storage: options.storage,
    scm: { ordersFor: (config) => scmOrdersFor(scmClients.get(config)), classifyCollectError },
    limits,
    logger: options.logger,
    telemetry: observed?.metrics.telemetry,
    locks: cluster.locks,
  });
  const { leadership } = cluster;
  const collector = new BackgroundCollector(lifecycle, { ...DEFAULT_COLLECTOR_SETTINGS, ...options.settings?.collector }, observed?.loggers.get('collector'));
  const renewer = new BackgroundRenewer(lifecycle, { ...DEFAULT_RENEWER_SETTINGS, ...options.settings?.renewer }, observed?.loggers.get('renewer'));
  observed?.metrics.sample({
    scmLimiter: options.limiter,
    keyPoolQueueSize,
    estate: () => countEstate(lifecycle.records, Date.now()),
  });
  const stopKeyTasks = observed && onKeyTask((event) => observed.metrics.observeKeyTask(event));
  return {
    lifecycle,
    limiter: options.limiter,
    onScmRequest,
    scmClients,
    collector,
    renewer,
    leadership,
    async start() {
      const indexed = await lifecycle.records.ensureIndexed();
      if (indexed > 0) options.logger.info({ records: indexed }, 'indexed the records of an older store');
      await leadership.start({
        gained: () => {
          collector.start();
          renewer.start();
        },
        lost: () => void Promise.all([collector.stop(), renewer.stop()]),
      });
    },
    async close() {
      await leadership.stop();
      await Promise.all([collector.stop(), renewer.stop(), lifecycle.imports.stop()]);
      scmClients.close();
      await closeKeyPool();
      stopKeyTasks?.();
    },
  };
}

/** The lifecycle exactly as a server with these settings runs it (not yet started). */
export function createServerLifecycle(parts: {
  storage: Storage;
  cluster?: LifecycleOptions['cluster'];
  loggers: Loggers;
  metrics: ServerMetrics;
  settings: ServerSettings;
}): RunningLifecycle {
  const { settings } = parts;
  return createLifecycle({
    storage: parts.storage,
    cluster: parts.cluster,
    limiter: createScmLimiter(settings.scm_max_concurrency),
    maxRequestDurationMs: settings.max_request_duration * 1000,
    logger: parts.loggers.get('lifecycle'),
    observed: { metrics: parts.metrics, loggers: parts.loggers },
    // The server's intervals are seconds; the workers count milliseconds.
    settings: {
      orderGraceMs: settings.order_grace * 1000,
      collector: { enabled: settings.collector_enabled, intervalMs: settings.collector_interval * 1000 },
      renewer: {
        enabled: settings.renewer_enabled,
        intervalMs: settings.renewer_interval * 1000,
        syncIntervalMs: settings.sync_enabled ? settings.sync_interval * 1000 : 0,
      },
    },
  });
}

/** The audit devices enabled in this storage, their files open. */
export function openServerAudit(parts: { storage: Storage; logger: AuditLogger }): Promise<AuditBroker> {
  return AuditBroker.open(new AuditDeviceStore(parts.storage), parts.logger);
}

/**
 * The replicas' coordination for this storage backend, chosen here and
 * nowhere else: PostgreSQL → a member of the cluster of every server on that
 * database (advisory locks, leader lease, write notices); LevelDB → a sole
 * node (in-process locks, always the leader).
 */
export async function openCluster(settings: ServerSettings, address: string, logger: ClusterLogger): Promise<Cluster> {
  if (settings.storage_backend !== 'postgresql' || settings.storage_connection_url === undefined) return soleNode();
  // Loaded here only: it brings the pg driver, which a LevelDB server never needs.
  const { joinCluster } = await import('../cluster/join-cluster.js');
  return joinCluster({
    connectionString: settings.storage_connection_url,
    address,
    lease: { ttlMs: settings.ha_lease_ttl * 1000, intervalMs: settings.ha_lease_interval * 1000 },
    cacheMaxAgeMs: SHARED_CACHE_MAX_AGE_MS,
    logger,
  });
}

/**
 * The longest a cached value may be served after another replica changed it
 * when that replica's notice never came (it died between its write and its
 * notice); a notice normally arrives within milliseconds (docs/ha.md).
 */
export const SHARED_CACHE_MAX_AGE_MS = 5_000;

/** The read cache in front of the server's storage, told of other replicas' writes. */
export function sharedReadCache(cluster: Cluster, storage: Storage): ReadCachedStorage {
  const cache = new ReadCachedStorage(cluster.shared(storage), { maxAgeMs: cluster.cacheMaxAgeMs });
  cluster.onChange((change) => (change === 'all' ? cache.clear() : cache.invalidate(change.keys)));
  return cache;
}
