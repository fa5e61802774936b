/**
 * A real SCM simulator over HTTP, a real store (LevelDB in a temp dir, or
 * PostgreSQL: test-storage.ts), and the certificate lifecycle wired exactly
 * as the server wires it, with the `web` and `people` config entries stored
 * as the configs path stores them.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Storage } from '../../src/storage/storage.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { createScmLimiter, type ScmClient } from '../../src/scm/index.js';
import { createLifecycle, type LifecycleSettings, type RunningLifecycle } from '../../src/server/services.js';
import type { ConfigEntry } from '../../src/lifecycle/config-store.js';
import { simulatorConnection } from './scm-connection.js';
import { testSimulatorCa } from './test-simulator.js';
import { openTestStorage } from './test-storage.js';
import { waitFor } from './wait-for.js';

export const quietLogger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

export interface Harness {
  sim: Simulator;
  dir: string;
  sealKey: Buffer;
  storage: Storage;
  running: RunningLifecycle;
  /** The SCM client the lifecycle uses for a config entry. */
  scmClient(config: string): Promise<ScmClient>;
  /** Closes the lifecycle and storage, then opens both again on the same directory. */
  restart(settings?: LifecycleSettings): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(options: { issueDelayMs?: number; settings?: LifecycleSettings } = {}): Promise<Harness> {
  const sim = await startSimulator({ issueDelayMs: options.issueDelayMs ?? 300, ca: await testSimulatorCa() });
  const dir = await mkdtemp(join(tmpdir(), 'scmpki-lifecycle-'));
  const sealKey = randomBytes(32);
  const connection = {
    ...simulatorConnection(sim),
    sectigo_cm_auth_type: 'password',
    sectigo_verify_tls: true,
  } as const;
  const configs: Record<string, ConfigEntry> = {
    web: {
      ...connection,
      name: 'web',
      sectigo_config_type: 'ssl_cert',
      enroll_defaults: { sectigo_ssl_cert_type: 2001, sectigo_ssl_cert_validity: 365, sectigo_loop_period: 0.1 },
    },
    people: {
      ...connection,
      name: 'people',
      sectigo_config_type: 'client_cert',
      enroll_defaults: { sectigo_client_cert_type: 3001, sectigo_client_cert_validity: 365, sectigo_loop_period: 0.1 },
    },
  };
  const open = async (settings: LifecycleSettings = { collector: { enabled: false }, renewer: { enabled: false } }) => {
    const { storage } = await openTestStorage(dir, sealKey);
    const running = createLifecycle({
      storage,
      limiter: createScmLimiter(16),
      maxRequestDurationMs: 90_000,
      logger: quietLogger,
      settings,
    });
    for (const config of Object.values(configs)) await running.lifecycle.configs.put(config);
    await running.start();
    return { storage, running };
  };
  const harness: Harness = {
    sim,
    dir,
    sealKey,
    ...(await open(options.settings)),
    async scmClient(config) {
      return harness.running.scmClients.get(await harness.running.lifecycle.configs.require(config));
    },
    async restart(settings) {
      await harness.running.close();
      await harness.storage.close();
      Object.assign(harness, await open(settings));
    },
    async close() {
      await harness.running.close();
      await harness.storage.close();
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

/**
 * The process "dies" while SCM holds the answer to `call`'s order back: SCM
 * has placed the order, this server never hears of it. The harness restarts
 * on the same data dir (the old lifecycle's late answer fails on closed
 * storage).
 */
export async function crashWhileScmAnswers(harness: Harness, endpoint: string, call: () => Promise<unknown>, settings: LifecycleSettings): Promise<void> {
  await harness.sim.controls.resetCounters();
  await harness.sim.controls.addFault({ kind: 'latency', endpoint, latencyMs: 1500, afterHandling: true, count: 1 });
  const lost = call().catch(() => undefined);
  await waitFor('SCM to take the order', async () => ((await harness.sim.controls.counters())[endpoint] === 1 ? true : undefined));
  await harness.restart(settings);
  await lost;
}
