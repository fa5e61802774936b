/**
 * Wires the certificate lifecycle for a running server: per-config SCM clients
 * sharing one limiter, SCM's collect-error rules, and the background collector
 * and renewer. The engine context holds what `createCertificateLifecycle`
 * returns; `close()` stops the workers and releases SCM sockets.
 */
import type { Storage } from '../storage/storage.js';
import { classifyCollectError, createScmLimiter, DEFAULT_SCM_CONCURRENCY, type ScmLimiter } from '../scm/index.js';
import { CertificateLifecycle, type LifecycleLogger } from '../lifecycle/lifecycle.js';
import { scmOrdersFor } from '../lifecycle/scm-orders.js';
import { BackgroundCollector, DEFAULT_COLLECTOR_SETTINGS, type CollectorSettings } from '../lifecycle/collector.js';
import { BackgroundRenewer, DEFAULT_RENEWER_SETTINGS, type RenewerSettings } from '../lifecycle/renewer.js';
import { ScmClientCache, verifyScmCredentials } from './scm-clients.js';
import { readConfig, type ConfigEntry } from './configs.js';
import type { EngineContext, EngineService } from './context.js';
import { enrollPath } from './enroll.js';
import { certListPath, certPath } from './certs.js';
import { readcertPath } from './readcert.js';
import { renewPath } from './renew.js';

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

/**
 * Server settings for the background workers. They belong in ServerSettings
 * (src/server/settings.ts) as `collector_enabled`, `collector_interval`,
 * `renewer_enabled`, `renewer_interval` (seconds) and `scm_max_concurrency`;
 * until they are there, the defaults apply.
 */
export interface LifecycleServerSettings {
  max_request_duration: number;
  collector_enabled?: boolean;
  collector_interval?: number;
  renewer_enabled?: boolean;
  renewer_interval?: number;
  scm_max_concurrency?: number;
}

export function lifecycleSettingsOf(settings: LifecycleServerSettings): LifecycleSettings {
  const seconds = (value: number | undefined) => (value === undefined ? undefined : value * 1000);
  const collector: Partial<CollectorSettings> = {};
  const renewer: Partial<RenewerSettings> = {};
  if (settings.collector_enabled !== undefined) collector.enabled = settings.collector_enabled;
  if (settings.collector_interval !== undefined) collector.intervalMs = seconds(settings.collector_interval);
  if (settings.renewer_enabled !== undefined) renewer.enabled = settings.renewer_enabled;
  if (settings.renewer_interval !== undefined) renewer.intervalMs = seconds(settings.renewer_interval);
  return { collector, renewer };
}

/**
 * The engine service that puts the lifecycle into the engine context (and the
 * `verify=true` hook of configs), and runs the collector and renewer until
 * the server closes.
 */
export const certificateLifecycleService: EngineService = {
  name: 'certificate-lifecycle',
  async start(ctx: EngineContext) {
    const settings = ctx.settings as LifecycleServerSettings;
    const limiter = createScmLimiter(settings.scm_max_concurrency ?? DEFAULT_SCM_CONCURRENCY);
    const running = createCertificateLifecycle({
      storage: ctx.storage,
      loadConfig: (name) => readConfig(ctx.storage, name),
      limiter,
      maxRequestDurationMs: settings.max_request_duration * 1000,
      logger: ctx.logger,
      settings: lifecycleSettingsOf(settings),
    });
    Object.assign(ctx, {
      lifecycle: running.lifecycle,
      verifyScmCredentials: (config: ConfigEntry, signal: AbortSignal) => verifyScmCredentials(config, limiter, signal),
    });
    running.start();
    return { stop: () => running.close() };
  },
};

/** The certificate paths, for the engine's path table. */
export const certificatePaths = [enrollPath, certListPath, certPath, readcertPath, renewPath];
