/**
 * A data directory holding an estate of N issued certificates, written
 * straight through the storage layer (sealed, indexed, as the server writes
 * them) instead of ordered through SCM: 100,000 records take minutes, not the
 * better part of an hour. One real certificate is enrolled from an in-process
 * simulator; the rest are copies under new ids (test/helpers/synthetic-records.ts).
 */
import { join } from 'node:path';
import { TokenStore } from '../src/auth/token-store.js';
import { prepareConfig } from '../src/engine/path-configs.js';
import { enrollCertificate } from '../src/lifecycle/enroll.js';
import { createScmLimiter } from '../src/scm/index.js';
import { createLifecycle } from '../src/server/services.js';
import { startSimulator } from '../src/simulator/index.js';
import { openStorage } from '../src/storage/level-storage.js';
import { loadOrCreateSealKeyFile } from '../src/storage/seal-key.js';
import { writeSyntheticRecords } from '../test/helpers/synthetic-records.js';
import { demoConfigFields, writeServerConfig, type PreparedDataDir } from './fixtures.js';

const ROOT_TOKEN = 'hvs.bench-estate-root';
const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

export async function fillDataDir(dir: string, count: number): Promise<PreparedDataDir> {
  const configFile = await writeServerConfig(dir);
  const { key } = await loadOrCreateSealKeyFile(join(dir, 'seal.key'));
  const { storage } = await openStorage({ path: join(dir, 'data'), sealKey: key });
  const simulator = await startSimulator({ issueDelayMs: 0 });
  const running = createLifecycle({ storage, limiter: createScmLimiter(4), maxRequestDurationMs: 60_000, logger: quiet });
  try {
    await new TokenStore(storage).ensureRootToken(ROOT_TOKEN);
    const { lifecycle } = running;
    // A new store's index version, as a server's first start writes it.
    await lifecycle.records.ensureIndexed();
    await lifecycle.configs.put(prepareConfig(undefined, 'demo', { ...demoConfigFields(simulator), sectigo_loop_period: 0.1 }).entry);
    const { record } = await enrollCertificate(lifecycle, 'demo', { sectigo_csr_domain: 'estate.example.com', sectigo_csr_key_algo: 'EC', sectigo_csr_key_size: 'P-256' });
    if (count > 1) {
      await writeSyntheticRecords(lifecycle.records, record, count - 1, { status: 'Issued', daysLeft: (i) => 45 + (i % 700) }, 1_000);
    }
  } finally {
    await running.close();
    await storage.close();
    await simulator.close();
  }
  return { configFile, rootToken: ROOT_TOKEN };
}
