/**
 * Wires the certificate lifecycle for a running server: per-config SCM clients
 * sharing one limiter, SCM's collect-error rules, and the background collector
 * and renewer. The engine context holds what `createCertificateLifecycle`
 * returns; `close()` stops the workers and releases SCM sockets.
 */
import type { Storage } from '../storage/storage.js';
import { classifyCollectError, createScmLimiter, type ScmLimiter } from '../scm/index.js';
import { CertificateLifecycle, DEFAULT_ORDER_GRACE_MS, type LifecycleLogger } from '../lifecycle/lifecycle.js';
import { scmOrdersFor } from '../lifecycle/scm-orders.js';
import { BackgroundCollector, DEFAULT_COLLECTOR_SETTINGS, type CollectorSettings } from '../lifecycle/workers/collector.js';
import { BackgroundRenewer, DEFAULT_RENEWER_SETTINGS, type RenewerSettings } from '../lifecycle/workers/renewer.js';
import { ScmClientCache, verifyScmCredentials } from '../lifecycle/scm-clients.js';
import { readConfig, type ConfigEntry } from '../engine/path-configs.js';
import type { EngineContext, EngineService } from '../engine/context.js';
import { enrollPath } from '../engine/path-enroll.js';
import { certListPath, certPath } from '../engine/path-certs.js';
import { readcertPath } from '../engine/path-readcert.js';
import { renewPath } from '../engine/path-renew.js';
import { syncConfigPath, syncPath } from '../engine/path-sync.js';

export interface LifecycleSettings {
  /** Milliseconds; see LifecycleDeps.orderGraceMs. */
  orderGraceMs?: number;
  collector?: Partial<CollectorSettings>;
  renewer?: Partial<RenewerSettings>;
}

export interface CertificateLifecycleOptions {
  storage: Storage;
  /** The stored config entry (with its secrets); a 4xx UserError when unknown. */
  loadConfig(name: string): Promise<ConfigEntry>;
  limiter: ScmLimiter;
  maxRequestDurationMs: number;
  logger: LifecycleLogger;
  settings?: LifecycleSettings;
}

export interface RunningLifecycle {
  lifecycle: CertificateLifecycle;
  /** The one limiter every SCM call of this lifecycle goes through. */
  limiter: ScmLimiter;
  scmClients: ScmClientCache;
  collector: BackgroundCollector;
  renewer: BackgroundRenewer;
  /** Starts the background workers (those enabled in the settings). */
  start(): void;
  close(): Promise<void>;
}

export function createCertificateLifecycle(options: CertificateLifecycleOptions): RunningLifecycle {
  const scmClients = new ScmClientCache(options.loadConfig, options.limiter);
  const lifecycle = new CertificateLifecycle({
    storage: options.storage,
    loadConfig: options.loadConfig,
    ordersFor: async (name) => scmOrdersFor(await scmClients.get(name)),
    classifyCollectError,
    maxRequestDurationMs: options.maxRequestDurationMs,
    orderGraceMs: options.settings?.orderGraceMs ?? DEFAULT_ORDER_GRACE_MS,
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
    start() {
      collector.start();
      renewer.start();
    },
    async close() {
      await Promise.all([collector.stop(), renewer.stop()]);
      scmClients.close();
    },
  };
}

/** The lifecycle exactly as a server with these settings runs it (not yet started). */
export function createServerLifecycle(ctx: Pick<EngineContext, 'storage' | 'logger' | 'settings'>): RunningLifecycle {
  return createCertificateLifecycle({
    storage: ctx.storage,
    loadConfig: (name) => readConfig(ctx.storage, name),
    limiter: createScmLimiter(ctx.settings.scm_max_concurrency),
    maxRequestDurationMs: ctx.settings.max_request_duration * 1000,
    logger: ctx.logger,
    // The server's intervals are seconds; the workers count milliseconds.
    settings: {
      orderGraceMs: ctx.settings.order_grace * 1000,
      collector: { enabled: ctx.settings.collector_enabled, intervalMs: ctx.settings.collector_interval * 1000 },
      renewer: {
        enabled: ctx.settings.renewer_enabled,
        intervalMs: ctx.settings.renewer_interval * 1000,
        syncIntervalMs: ctx.settings.sync_enabled ? ctx.settings.sync_interval * 1000 : 0,
      },
    },
  });
}

/**
 * The engine service that puts the lifecycle into the engine context (and the
 * `verify=true` hook of configs), and runs the collector and renewer until
 * the server closes.
 */
export const certificateLifecycleService: EngineService = {
  name: 'certificate-lifecycle',
  async start(ctx: EngineContext) {
    const running = createServerLifecycle(ctx);
    Object.assign(ctx, {
      lifecycle: running.lifecycle,
      verifyScmCredentials: (config: ConfigEntry, signal: AbortSignal) => verifyScmCredentials(config, running.limiter, signal),
    });
    running.start();
    return { stop: () => running.close() };
  },
};

/** The certificate paths, for the engine's path table. */
export const certificatePaths = [enrollPath, certListPath, certPath, readcertPath, renewPath, syncPath, syncConfigPath];
