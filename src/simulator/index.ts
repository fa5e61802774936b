/**
 * The SCM simulator: a real HTTP server and a real CA that answer like
 * Sectigo Certificate Manager (reference/scm-api.md). Start it in-process
 * with startSimulator(), or as `scmpki scm-simulator`.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createApp } from './app.js';
import { TokenStore } from './auth.js';
import { createClientCertServer, normalizeSerial, type ClientCertListenerOptions } from './client-cert-listener.js';
import { CertificateAuthority, type CaMaterial } from './ca.js';
import { DEFAULT_ORG_ID } from './catalog.js';
import { SimulatorControls } from './controls.js';
import { FaultInjector } from './faults.js';
import { Issuer } from './issuance.js';
import { StateFile } from './persistence.js';
import type { SimulatorRuntime } from './runtime.js';
import type { PendingCode } from './scm-reply.js';
import { SimulatorState } from './state.js';

export interface SimulatorOptions {
  /** host:port; port 0 picks a free one. Default "127.0.0.1:0". */
  listen?: string;
  login?: string;
  password?: string;
  customerUri?: string;
  /** OAuth2 client credentials for the token endpoint (default "demo"/"demo"). */
  clientId?: string;
  clientSecret?: string;
  /** Time from order (or approval) to issuance. Default 2000. */
  issueDelayMs?: number;
  /** Keep CA and orders here across restarts; in memory only when absent. */
  dataDir?: string;
  /**
   * Sign with this CA (PEM certificates, PKCS#8 keys) instead of making a new
   * one, which costs two RSA key generations; a CA saved in `dataDir` wins.
   */
  ca?: CaMaterial;
  /** SSL orders wait in Requested until POST approve/{id}. */
  approvalRequired?: boolean;
  /** The "not issued yet" collect answer; default SSL 0, S/MIME -183. */
  pendingStyle?: PendingCode;
  tokenTtlSeconds?: number;
  /** Also listen for SCM's client-certificate login (see client-cert-listener.ts). */
  clientCertListener?: ClientCertListenerOptions;
  logger?: Logger;
}

export interface Simulator {
  /** http://127.0.0.1:PORT — SCM's base is `${url}/api`. */
  url: string;
  /** The address the listener really bound, host:port (0.0.0.0:8201 when listening on every interface). */
  boundAddress: string;
  /** https://127.0.0.1:PORT of the client-certificate listener (SCM's base `${privateUrl}/private/api`), when asked for. */
  privateUrl?: string;
  caChainPem: { root: string; intermediate: string };
  /** The seeded organization with both SSL and client-certificate API access. */
  orgId: number;
  controls: SimulatorControls;
  close(): Promise<void>;
}

export { PENDING_CODES, type PendingCode } from './scm-reply.js';
export type { CaMaterial } from './ca.js';
export type { FaultRule, ActiveFault } from './faults.js';
export type { SimulatorSettings } from './state.js';
export { SimulatorControls } from './controls.js';
export { ORGANIZATIONS, SSL_PROFILES, SMIME_PROFILES } from './catalog.js';

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const stateFile = options.dataDir ? new StateFile(options.dataDir) : undefined;
  const persisted = await stateFile?.load();
  const material = persisted?.ca ?? options.ca;
  const ca = material ? await CertificateAuthority.load(material) : await CertificateAuthority.generate();
  const state = new SimulatorState({
    ...SimulatorState.defaultSettings(),
    ...(options.issueDelayMs !== undefined && { issueDelayMs: options.issueDelayMs }),
    ...(options.approvalRequired !== undefined && { approvalRequired: options.approvalRequired }),
    ...(options.pendingStyle !== undefined && { pendingStyle: options.pendingStyle }),
    ...(options.tokenTtlSeconds !== undefined && { tokenTtlSeconds: options.tokenTtlSeconds }),
  });
  if (persisted) state.restore(persisted.state);
  ca.rememberSerials(state.serials());

  const persist = async () => {
    await stateFile?.save(async () => ({ version: 1, ca: await ca.export(), state: state.snapshot() }));
  };
  const runtime: SimulatorRuntime = {
    state,
    ca,
    issuer: new Issuer(ca, state),
    credentials: {
      login: options.login ?? 'demo',
      password: options.password ?? 'demo',
      customerUri: options.customerUri ?? 'demo',
      clientId: options.clientId ?? 'demo',
      clientSecret: options.clientSecret ?? 'demo',
      certificateAdmins: new Map(
        (options.clientCertListener?.admins ?? []).map((admin) => [normalizeSerial(admin.certificateSerialNumber), admin.login]),
      ),
    },
    tokens: new TokenStore(),
    faults: new FaultInjector(),
    counters: new Map(),
    persist,
  };
  await persist();

  const app = createApp(runtime, options.logger).callback();
  const server = createServer(app);
  const { url, boundAddress } = await listenOn(server, options.listen, 'http');
  const privateServer = options.clientCertListener && createClientCertServer(options.clientCertListener, app);
  const privateUrl = privateServer && (await listenOn(privateServer, options.clientCertListener?.listen, 'https')).url;
  options.logger?.info({ url, boundAddress, private_url: privateUrl }, 'SCM simulator listening');

  return {
    url,
    boundAddress,
    ...(privateUrl && { privateUrl }),
    caChainPem: { root: ca.root.toString('pem'), intermediate: ca.intermediate.toString('pem') },
    orgId: DEFAULT_ORG_ID,
    controls: new SimulatorControls(url),
    async close() {
      await Promise.all([server, privateServer].map(async (listener) => {
        if (!listener) return;
        const closed = once(listener, 'close');
        listener.close();
        listener.closeAllConnections();
        await closed;
      }));
      await persist();
    },
  };
}

/** Listens; answers the URL to reach it from this machine and the address it really bound. */
async function listenOn(server: Server, listen: string | undefined, scheme: 'http' | 'https'): Promise<{ url: string; boundAddress: string }> {
  const { host, port } = parseListen(listen ?? '127.0.0.1:0');
  server.listen(port, host);
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  const urlHost = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
  const boundAddress = `${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  return { url: `${scheme}://${urlHost.includes(':') ? `[${urlHost}]` : urlHost}:${address.port}`, boundAddress };
}

/** Go's listen syntax: "host:port", "[::1]:port", ":port" (all interfaces). */
export function parseListen(listen: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(listen.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) throw new Error(`invalid listen address "${listen}": want host:port, e.g. 127.0.0.1:8201`);
  return { host: match[1] ?? (match[2] || '0.0.0.0'), port };
}
export type { ClientCertListenerOptions } from './client-cert-listener.js';
