/**
 * The PostgreSQL pass of `npm test`: one throwaway cluster for the whole run,
 * then tap over the suites whose tests store through a server or harness,
 * with SCMPKI_TEST_STORAGE=postgresql, so every server and harness those
 * files start stores in PostgreSQL. Suites or test files given as arguments
 * replace the default suites.
 */
import { spawn } from 'node:child_process';
import { startPostgresCluster } from './postgres-cluster.js';

/**
 * Not `storage-backends` (LevelDB's own crash test fills a LevelDB directory
 * directly; the PostgreSQL tests start and stop their own clusters and ran in
 * the first pass already), nor the suites that test no store: the CLI,
 * agent, SCM client, simulator, PKI and server start-up suites, the docs and
 * the cluster (replicas always run on PostgreSQL).
 */
const POSTGRESQL_SUITES = [
  'audit-approle',
  'auth',
  'engine-estate',
  'engine-input',
  'engine-orders',
  'engine-renewal',
  'http',
  'lifecycle',
  'lifecycle-crashes',
  'lifecycle-workers',
  'storage',
  'vault-pki',
].map((suite) => `test/suites/${suite}.suite.ts`);

const files = process.argv.slice(2);
const globs = files.length > 0 ? files : POSTGRESQL_SUITES;
const cluster = await startPostgresCluster();
let code = 1;
try {
  const tap = spawn('npx', ['tap', ...globs], {
    stdio: 'inherit',
    env: { ...process.env, SCMPKI_TEST_STORAGE: 'postgresql', SCMPKI_TEST_POSTGRES_URL: cluster.url() },
  });
  const stop = (signal: NodeJS.Signals) => tap.kill(signal);
  process.on('SIGINT', stop).on('SIGTERM', stop);
  code = await new Promise<number>((resolve) => tap.once('close', (exit) => resolve(exit ?? 1)));
} finally {
  await cluster.destroy();
}
process.exit(code);
