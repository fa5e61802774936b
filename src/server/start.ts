/**
 * Starts a complete server in-process: seal key, storage, tokens, engine
 * services, HTTP(S) listener. Tests call it with port 0; the `server`
 * command wraps it with flags, printing and signals.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { PolicyStore } from '../auth/policy-store.js';
import { TokenStore } from '../auth/token-store.js';
import { buildOpenApi } from '../framework/openapi.js';
import { createApp } from '../http/app.js';
import { acceptListVerb } from '../http/list-verb.js';
import type { LifecycleServices } from '../lifecycle/services.js';
import { verifyScmCredentials } from '../lifecycle/scm-clients.js';
import { createLogger, type Logger } from '../logging.js';
import { layout } from '../storage/layout.js';
import { openStorage } from '../storage/level-storage.js';
import { ReadCachedStorage } from '../storage/read-cache.js';
import { decodeSealKey, loadOrCreateSealKeyFile } from '../storage/seal-key.js';
import type { Storage } from '../storage/storage.js';
import { serverMounts, type UnsealedParts } from './mounts.js';
import { createServerLifecycle, openServerAudit } from './services.js';
import type { ServerSettings } from './settings.js';

export interface StartOptions {
  logger?: Logger;
  /** Overrides SCMPKI_SEAL_KEY and the key file (dev mode, tests). */
  sealKey?: Buffer;
  /** Dev mode's fixed root token (`-dev-root-token-id`). */
  rootTokenId?: string;
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

async function sealKeyFor(settings: ServerSettings, options: StartOptions): Promise<Buffer> {
  if (options.sealKey) return options.sealKey;
  const fromEnv = process.env.SCMPKI_SEAL_KEY;
  if (fromEnv) return decodeSealKey(fromEnv, 'SCMPKI_SEAL_KEY');
  return (await loadOrCreateSealKeyFile(settings.seal_key_file)).key;
}

function splitListenAddress(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(address.slice(at + 1)) };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

async function createListener(settings: ServerSettings, handler: http.RequestListener): Promise<{ server: http.Server; scheme: string }> {
  const { host } = splitListenAddress(settings.listen_address);
  if (settings.tls_cert_file && settings.tls_key_file) {
    const server = https.createServer(
      { cert: await readFile(settings.tls_cert_file), key: await readFile(settings.tls_key_file), minVersion: 'TLSv1.2' },
      handler,
    );
    // LIST requests are replayed as plain HTTP on an unlistened server: the TLS layer is already done.
    acceptListVerb(server, http.createServer(handler));
    return { server, scheme: 'https' };
  }
  if (!isLoopback(host) && !settings.tls_disable) {
    throw new Error(
      `refusing plain HTTP on ${settings.listen_address}: set tls_cert_file and tls_key_file, or tls_disable=true if a TLS proxy is in front`,
    );
  }
  const server = http.createServer(handler);
  acceptListVerb(server, server);
  return { server, scheme: 'http' };
}

export async function startServer(settings: ServerSettings, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger({ level: settings.log_level });
  const sealKey = await sealKeyFor(settings, options);
  await mkdir(settings.storage_path, { recursive: true, mode: 0o700 });
  const opened = await openStorage({ path: settings.storage_path, sealKey });
  const { sealed } = opened;
  const storage = sealed ? opened.storage : new ReadCachedStorage(opened.storage);
  const stops: Array<() => Promise<void>> = [];
  try {
    let clusterId = '';
    let rootToken: string | undefined;
    let unsealed: UnsealedParts | undefined;
    if (sealed) {
      logger.error({ storage_path: settings.storage_path }, 'the seal key does not open this storage: serving sealed');
    } else {
      clusterId = (await storage.get<string>(layout.clusterId)) ?? randomUUID();
      await storage.put(layout.clusterId, clusterId);
      const tokens = new TokenStore(storage);
      rootToken = await tokens.ensureRootToken(options.rootTokenId);
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
    const { server, scheme } = await createListener(settings, app.callback());
    const { host, port } = splitListenAddress(settings.listen_address);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    const url = `${scheme}://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
    logger.info({ url, sealed, mount: settings.mount_path }, 'scmpki listening');

    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        // In-flight requests get a moment to finish; then the rest is cut.
        const force = setTimeout(() => server.closeAllConnections(), 5000);
        force.unref();
        await closed;
        clearTimeout(force);
        for (const stop of stops.reverse()) await stop();
        await storage.close();
      })());
    const reopenAuditFiles = async () => unsealed?.audit.reopen();
    return { url, rootToken, sealed, lifecycle: unsealed?.engine.lifecycle, reopenAuditFiles, close };
  } catch (err) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await storage.close();
    throw err;
  }
}
