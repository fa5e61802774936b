/**
 * Builds everything a running server serves with, in dependency order:
 * storage (opened by start.ts) → SCM client cache (one limiter for every SCM
 * call) → lifecycle services → background workers. The HTTP app is built
 * after this, from a finished object: nothing is filled in later.
 */
import { AuditBroker, type AuditLogger } from '../audit/broker.js';
import { AuditDeviceStore } from '../audit/device-store.js';
import { closeKeyPool } from '../pki/index.js';
import { classifyCollectError, createScmLimiter, type ScmLimiter } from '../scm/index.js';
import type { Storage } from '../storage/storage.js';
import { createLifecycleServices, DEFAULT_ORDER_GRACE_MS, type LifecycleLimits, type LifecycleLogger, type LifecycleServices } from '../lifecycle/services.js';
import { scmOrdersFor } from '../lifecycle/scm-orders.js';
import { ScmClientCache } from '../lifecycle/scm-clients.js';
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
  limiter: ScmLimiter;
  maxRequestDurationMs: number;
  logger: LifecycleLogger;
  settings?: LifecycleSettings;
}

export interface RunningLifecycle {
  lifecycle: LifecycleServices;
  /** The one limiter every SCM call of this lifecycle goes through. */
  limiter: ScmLimiter;
  scmClients: ScmClientCache;
  collector: BackgroundCollector;
  renewer: BackgroundRenewer;
  /** Brings the indexes up to date, then starts the background workers (those enabled in the settings). */
  start(): Promise<void>;
  close(): Promise<void>;
}

export function createLifecycle(options: LifecycleOptions): RunningLifecycle {
  const scmClients = new ScmClientCache(options.limiter);
  const limits: LifecycleLimits = {
    maxRequestDurationMs: options.maxRequestDurationMs,
    orderGraceMs: options.settings?.orderGraceMs ?? DEFAULT_ORDER_GRACE_MS,
  };
  const lifecycle = createLifecycleServices({
    storage: options.storage,
    scm: { ordersFor: (config) => scmOrdersFor(scmClients.get(config)), classifyCollectError },
    limits,
    logger: options.logger,
  });
  const collector = new BackgroundCollector(lifecycle, { ...DEFAULT_COLLECTOR_SETTINGS, ...options.settings?.collector });
  const renewer = new BackgroundRenewer(lifecycle, { ...DEFAULT_RENEWER_SETTINGS, ...options.settings?.renewer });
  return {
    lifecycle,
    limiter: options.limiter,
    scmClients,
    collector,
    renewer,
    async start() {
      const indexed = await lifecycle.records.ensureIndexed();
      if (indexed > 0) options.logger.info({ records: indexed }, 'indexed the records of an older store');
      collector.start();
      renewer.start();
    },
    async close() {
      await Promise.all([collector.stop(), renewer.stop()]);
      scmClients.close();
      await closeKeyPool();
    },
  };
}

/** The lifecycle exactly as a server with these settings runs it (not yet started). */
export function createServerLifecycle(parts: { storage: Storage; logger: LifecycleLogger; settings: ServerSettings }): RunningLifecycle {
  const { settings } = parts;
  return createLifecycle({
    storage: parts.storage,
    limiter: createScmLimiter(settings.scm_max_concurrency),
    maxRequestDurationMs: settings.max_request_duration * 1000,
    logger: parts.logger,
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
