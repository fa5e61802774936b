/**
 * Starts a complete server in-process: seal key, storage, tokens, engine
 * services, HTTP(S) listener. Tests call it with port 0; the `server`
 * command wraps it with flags, printing and signals.
 *
 * The order makes a failed first start leave nothing behind that a second
 * start cannot finish (docs/security.md, "Initialisation"):
 *
 *   1. check what can be checked without writing: the TLS pair loads and
 *      matches, plain HTTP is allowed here, the seal key reads (data-dir.ts);
 *   2. bind the listener; requests wait until step 5;
 *   3. write a new key file, create or open the database (data-dir.ts);
 *   4. on a database without a root token, show one, then store it
 *      (token-store.ts `ensureRootToken`);
 *   5. build the services and the app, and answer.
 *
 * A bad TLS path or a busy port fails in 1 or 2, before the data directory
 * is touched.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { AddressInfo, Server } from 'node:net';
import { AppRoleStore } from '../auth/approle-store.js';
import { AuthMethods } from '../auth/auth-methods.js';
import { PolicyStore } from '../auth/policy-store.js';
import { TokenStore, type AnnounceRootToken } from '../auth/token-store.js';
import { buildOpenApi } from '../framework/openapi.js';
import { createRequestHandler } from '../http/app.js';
import type { LifecycleServices } from '../lifecycle/services.js';
import { verifyScmCredentials } from '../lifecycle/scm-clients.js';
import { createLogger, Loggers, type Logger } from '../logging.js';
import { InstrumentedStorage } from '../metrics/instrumented-storage.js';
import { ServerMetrics } from '../metrics/server-metrics.js';
import { KeyRotation } from '../storage/key-rotation.js';
import { layout } from '../storage/layout.js';
import { soleNode } from '../cluster/cluster.js';
import type { SysContext } from '../http/sys-paths.js';
import type { Storage } from '../storage/storage.js';
import { bindListener, closeListener, loadTls } from './bind-listener.js';
import { openDataDir, sealKeyFor } from './data-dir.js';
import { PkiMountTable } from '../vault-pki/mount-table.js';
import { serverMounts, type UnsealedParts } from './mounts.js';
import { createServerLifecycle, openCluster, openServerAudit, sharedReadCache } from './services.js';
import type { ServerSettings } from './settings.js';

export interface StartOptions {
  logger?: Logger;
  /** Overrides SCMPKI_SEAL_KEY and the key file (dev mode, tests). */
  sealKey?: Buffer;
  /** Dev mode's fixed root token (`-dev-root-token-id`). */
  rootTokenId?: string;
  /** Shows a new root token before it is stored; without it the token is only returned. */
  announceRootToken?: AnnounceRootToken;
  /** Defaults to process.env; SCMPKI_SEAL_KEY is read from it. */
  env?: NodeJS.ProcessEnv;
}

export interface RunningServer {
  url: string;
  /** Only on the start that created it (or a fixed dev id): print it once. */
  rootToken?: string;
  sealed: boolean;
  /** Absent while sealed. */
  lifecycle?: LifecycleServices;
  /** Closes and reopens every audit device's file (SIGHUP, after a log rotation). */
  reopenAuditFiles(): Promise<void>;
  close(): Promise<void>;
}

async function readVersion(): Promise<string> {
  // Two levels up from both src/server/ and dist/server/.
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function listenerUrl(server: Server, scheme: string): string {
  const address = server.address() as AddressInfo;
  return `${scheme}://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
}

export async function startServer(settings: ServerSettings, options: StartOptions = {}): Promise<RunningServer> {
  const loggers = new Loggers(options.logger ?? createLogger({ level: settings.log_level }));
  const logger = loggers.get('core');
  const tls = await loadTls(settings);
  const sealKey = await sealKeyFor(settings, options.env ?? process.env, options.sealKey);
  const listener = await bindListener(settings, tls, logger);
  const { server, scheme } = listener;
  const stops: Array<() => Promise<void>> = [];
  let storage: Storage | undefined;
  try {
    const opened = await openDataDir(settings, sealKey, {
      create: true,
      serveSealed: settings.serve_sealed,
      onConnectionError: (err) => logger.warn({ err: err.message }, 'storage: PostgreSQL dropped a pooled connection; new connections are made as requests need them'),
    });
    const { sealed } = opened;
    const metrics = new ServerMetrics();
    storage = opened.storage;
    if (opened.created) logger.info({ storage: opened.description, seal_key: sealKey.source }, 'created a new database');
    let clusterId = '';
    let rootToken: string | undefined;
    let unsealed: UnsealedParts | undefined;
    let leader: SysContext['leader'] = () => soleNode().leadership.status();
    if (sealed) {
      logger.error({ storage: opened.description, seal_key: sealKey.source }, 'the seal key does not open this storage: serving sealed (serve_sealed)');
    } else {
      const cluster = await openCluster(settings, settings.api_addr ?? listenerUrl(server, scheme), logger);
      stops.push(() => cluster.close());
      // Timed below the cache: a cached read costs no timing.
      storage = sharedReadCache(cluster, new InstrumentedStorage(storage, (op, seconds) => metrics.observeStorage(op, seconds)));
      const shared = storage;
      // Replicas started together on an empty database must agree on one cluster id and one root token.
      rootToken = await cluster.locks.exclusive('first-start', async () => {
        clusterId = (await shared.get<string>(layout.clusterId)) ?? randomUUID();
        await shared.put(layout.clusterId, clusterId);
        return new TokenStore(shared).ensureRootToken(options.rootTokenId, options.announceRootToken);
      });
      const tokens = new TokenStore(storage, cluster.locks);
      const policies = new PolicyStore(storage);
      cluster.onChange((change) => policies.storageChanged(change === 'all' ? undefined : change.keys));
      const running = createServerLifecycle({ storage, cluster, loggers, metrics, settings });
      leader = () => running.leadership.status();
      stops.push(() => running.close());
      const engine = {
        lifecycle: running.lifecycle,
        verifyScmCredentials: (config: Parameters<typeof verifyScmCredentials>[0], signal: AbortSignal) =>
          verifyScmCredentials(config, running.limiter, signal, running.onScmRequest),
      };
      const audit = await openServerAudit({ storage, logger: loggers.get('audit') });
      stops.push(() => audit.close());
      const authMethods = await AuthMethods.open(storage);
      const rotation = await KeyRotation.load({ storage, barrier: opened.barrier, logger, settings: { pauseMs: settings.rewrap_pause * 1000 } });
      stops.push(() => rotation.close());
      const pkiMounts = new PkiMountTable(storage, running.lifecycle, settings.mount_path);
      await pkiMounts.load(settings.pki_mount_path);
      unsealed = { tokens, policies, engine, audit, authMethods, approles: new AppRoleStore(storage), rotation, storage, metrics, loggers, pkiMounts };
      await running.start();
      // A re-encryption a stop (or a crash) interrupted goes on where the keyring says it got to.
      rotation.resume();
      logger.info({ collector: settings.collector_enabled, renewer: settings.renewer_enabled }, 'background workers started');
    }
    const version = await readVersion();
    // Built on request of sys/internal/specs/openapi, from the same tables that route (PKI mounts come and go).
    const sys: SysContext = {
      sealed,
      storageType: settings.storage_backend,
      leader: () => leader(),
      version,
      clusterName: 'scmpki',
      clusterId,
      openApi: () =>
        buildOpenApi([...mounts.map((m) => ({ mount: `${m.mount}/`, definitions: m.definitions })), ...(unsealed?.pkiMounts.openApiSections() ?? [])], version),
    };
    const mounts = serverMounts(settings.mount_path, sys, unsealed);
    const handler = createRequestHandler({
      loggers: { logger: loggers.get('http'), access: loggers.derive('http', { redact: [] }) },
      metrics,
      unauthenticatedMetrics: settings.unauthenticated_metrics_access,
      maxRequestDurationMs: settings.max_request_duration * 1000,
      maxRequestSize: settings.max_request_size,
      auth: unsealed && { tokens: unsealed.tokens, policies: unsealed.policies, isPublic: (path: string) => unsealed!.pkiMounts.isPublic(path) },
      audit: unsealed?.audit,
      mounts,
      dynamicRoutes: unsealed?.pkiMounts.routes(),
    });
    listener.serve(handler);
    const url = listenerUrl(server, scheme);
    logger.info({ url, sealed, mount: settings.mount_path }, 'scmpki listening');

    const openStorage = storage;
    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        await closeListener(server);
        for (const stop of stops.reverse()) await stop();
        await openStorage.close();
      })());
    const reopenAuditFiles = async () => unsealed?.audit.reopen();
    return { url, rootToken, sealed, lifecycle: unsealed?.engine.lifecycle, reopenAuditFiles, close };
  } catch (err) {
    // Requests held since the bind are cut with the listener.
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await storage?.close();
    throw err;
  }
}
