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
import type { AddressInfo } from 'node:net';
import { PolicyStore } from '../auth/policy-store.js';
import { TokenStore, type AnnounceRootToken } from '../auth/token-store.js';
import { buildOpenApi } from '../framework/openapi.js';
import { createApp } from '../http/app.js';
import type { LifecycleServices } from '../lifecycle/services.js';
import { verifyScmCredentials } from '../lifecycle/scm-clients.js';
import { createLogger, type Logger } from '../logging.js';
import { layout } from '../storage/layout.js';
import { ReadCachedStorage } from '../storage/read-cache.js';
import type { Storage } from '../storage/storage.js';
import { bindListener, closeListener, loadTls } from './bind-listener.js';
import { openDataDir, sealKeyFor } from './data-dir.js';
import { serverMounts, type UnsealedParts } from './mounts.js';
import { createServerLifecycle, openServerAudit } from './services.js';
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

export async function startServer(settings: ServerSettings, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger({ level: settings.log_level });
  const tls = await loadTls(settings);
  const sealKey = await sealKeyFor(settings, options.env ?? process.env, options.sealKey);
  const listener = await bindListener(settings, tls, logger);
  const { server, scheme } = listener;
  const stops: Array<() => Promise<void>> = [];
  let storage: Storage | undefined;
  try {
    const opened = await openDataDir(settings, sealKey, { create: true, serveSealed: settings.serve_sealed });
    const { sealed } = opened;
    storage = sealed ? opened.storage : new ReadCachedStorage(opened.storage);
    if (opened.created) logger.info({ storage_path: settings.storage_path, seal_key: sealKey.source }, 'created a new database');
    let clusterId = '';
    let rootToken: string | undefined;
    let unsealed: UnsealedParts | undefined;
    if (sealed) {
      logger.error({ storage_path: settings.storage_path, seal_key: sealKey.source }, 'the seal key does not open this storage: serving sealed (serve_sealed)');
    } else {
      clusterId = (await storage.get<string>(layout.clusterId)) ?? randomUUID();
      await storage.put(layout.clusterId, clusterId);
      const tokens = new TokenStore(storage);
      rootToken = await tokens.ensureRootToken(options.rootTokenId, options.announceRootToken);
      const running = createServerLifecycle({ storage, logger, settings });
      stops.push(() => running.close());
      const engine = {
        lifecycle: running.lifecycle,
        verifyScmCredentials: (config: Parameters<typeof verifyScmCredentials>[0], signal: AbortSignal) =>
          verifyScmCredentials(config, running.limiter, signal),
      };
      const audit = await openServerAudit({ storage, logger });
      stops.push(() => audit.close());
      unsealed = { tokens, policies: new PolicyStore(storage), engine, audit };
      await running.start();
      logger.info({ collector: settings.collector_enabled, renewer: settings.renewer_enabled }, 'background workers started');
    }
    const version = await readVersion();
    // Built on first request of sys/internal/specs/openapi, from the same table that routes.
    let openApi: Record<string, unknown> | undefined;
    const sys = {
      sealed,
      version,
      clusterName: 'scmpki',
      clusterId,
      engineMount: settings.mount_path,
      openApi: () => (openApi ??= buildOpenApi(mounts.map((m) => ({ mount: `${m.mount}/`, definitions: m.definitions })), version)),
    };
    const mounts = serverMounts(settings.mount_path, sys, unsealed);
    const app = createApp({
      logger,
      maxRequestDurationMs: settings.max_request_duration * 1000,
      maxRequestSize: settings.max_request_size,
      auth: unsealed && { tokens: unsealed.tokens, policies: unsealed.policies },
      audit: unsealed?.audit,
      mounts,
    });
    listener.serve(app.callback());
    const address = server.address() as AddressInfo;
    const url = `${scheme}://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
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
