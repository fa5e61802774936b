/**
 * Wires the certificate lifecycle for a running server: per-config SCM clients
 * sharing one limiter, SCM's collect-error rules, and the background collector
 * and renewer. The engine context holds what `createCertificateLifecycle`
 * returns; `close()` stops the workers and releases SCM sockets.
 */
import type { Storage } from '../storage/storage.js';
import { classifyCollectError, type ScmLimiter } from '../scm/index.js';
import { CertificateLifecycle, type LifecycleLogger } from '../lifecycle/lifecycle.js';
import { scmOrdersFor } from '../lifecycle/scm-orders.js';
import { BackgroundCollector, DEFAULT_COLLECTOR_SETTINGS, type CollectorSettings } from '../lifecycle/collector.js';
import { BackgroundRenewer, DEFAULT_RENEWER_SETTINGS, type RenewerSettings } from '../lifecycle/renewer.js';
import { ScmClientCache } from './scm-clients.js';
import type { ConfigEntry } from './configs.js';

export interface LifecycleSettings {
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
    logger: options.logger,
  });
  const collector = new BackgroundCollector(lifecycle, { ...DEFAULT_COLLECTOR_SETTINGS, ...options.settings?.collector });
  const renewer = new BackgroundRenewer(lifecycle, { ...DEFAULT_RENEWER_SETTINGS, ...options.settings?.renewer });
  return {
    lifecycle,
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
