/**
 * `scmpki server -dev`: everything needed to try scmpki in one process — a
 * throw-away (or kept, with -dev-data-dir) storage, the SCM simulator on the
 * dev SCM address, and the `demo` / `demo-client` configs pointing at it with
 * enroll defaults, so the first enroll needs only a domain name.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareConfig } from '../engine/path-configs.js';
import type { ConfigStore } from '../lifecycle/config-store.js';
import type { Logger } from '../logging.js';
import { SMIME_PROFILES, SSL_PROFILES, startSimulator } from '../simulator/index.js';
import { resolveSettings } from './settings.js';
import { startServer, type RunningServer } from './start.js';

export interface DevOptions {
  listenAddress: string;
  scmAddress: string;
  rootTokenId?: string;
  /** Kept across runs when given; a temp dir removed on exit otherwise. */
  dataDir?: string;
  logger: Logger;
}

export interface DevServer {
  server: RunningServer;
  scmUrl: string;
  orgId: number;
  dataDir: string;
  kept: boolean;
  close(): Promise<void>;
}

/** The demo credentials the simulator accepts (its defaults). */
const DEMO = { user: 'demo', password: 'demo', customerUri: 'demo' };

async function writeDemoConfigs(configs: ConfigStore, scmUrl: string, orgId: number): Promise<void> {
  const ssl = SSL_PROFILES[0]!;
  const smime = SMIME_PROFILES[0]!;
  const connection = {
    sectigo_cm_base_url: scmUrl,
    sectigo_cm_user: DEMO.user,
    sectigo_cm_password: DEMO.password,
    sectigo_cm_uri: DEMO.customerUri,
    sectigo_cm_org_id: orgId,
  };
  const demo = prepareConfig(await configs.get('demo'), 'demo', {
    ...connection,
    sectigo_config_type: 'ssl_cert',
    sectigo_ssl_cert_type: ssl.id,
    sectigo_ssl_cert_validity: ssl.terms[0],
  });
  const demoClient = prepareConfig(await configs.get('demo-client'), 'demo-client', {
    ...connection,
    sectigo_config_type: 'client_cert',
    sectigo_client_cert_type: smime.id,
    sectigo_client_cert_validity: smime.terms[0],
  });
  await configs.put(demo.entry);
  await configs.put(demoClient.entry);
}

export async function startDevServer(options: DevOptions): Promise<DevServer> {
  const kept = options.dataDir !== undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'scmpki-dev-')));
  const cleanups: Array<() => Promise<void>> = kept ? [] : [() => rm(dataDir, { recursive: true, force: true })];
  const cleanUp = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    const simulator = await startSimulator({
      listen: options.scmAddress,
      login: DEMO.user,
      password: DEMO.password,
      customerUri: DEMO.customerUri,
      dataDir: kept ? join(dataDir, 'scm-simulator') : undefined,
      logger: options.logger.child({ component: 'scm-simulator' }),
    });
    cleanups.push(() => simulator.close());
    const settings = resolveSettings([
      { listen_address: options.listenAddress, storage_path: join(dataDir, 'db'), seal_key_file: join(dataDir, 'seal.key') },
    ]);
    // The data dir's own seal.key, never SCMPKI_SEAL_KEY: a kept dev dir opens with the key it was made with.
    const server = await startServer(settings, { env: {}, rootTokenId: options.rootTokenId, logger: options.logger });
    cleanups.push(() => server.close());
    if (!server.lifecycle) throw new Error(`dev data dir ${dataDir} is sealed: its seal.key does not open its database`);
    await writeDemoConfigs(server.lifecycle.configs, simulator.url, simulator.orgId);
    return { server, scmUrl: simulator.url, orgId: simulator.orgId, dataDir, kept, close: cleanUp };
  } catch (err) {
    await cleanUp();
    throw err;
  }
}
