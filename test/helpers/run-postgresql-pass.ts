/**
 * The PostgreSQL pass of `npm test`: one throwaway cluster for the whole run,
 * then tap over the storage-dependent folders with SCMPKI_TEST_STORAGE=postgresql,
 * so every server and harness those files start stores in PostgreSQL. Test
 * files (or globs) given as arguments replace the default folders.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { startPostgresCluster } from './postgres-cluster.js';

/**
 * The folders whose tests store through a server or harness. Not
 * test/storage/postgres/: those tests start and stop their own clusters and
 * ran in the first pass already.
 */
const POSTGRESQL_PASS_GLOBS = ['engine', 'lifecycle', 'auth', 'audit', 'http', 'vault-pki', 'metrics']
  .map((folder) => `test/${folder}/**/*.test.ts`)
  .concat(storageFiles());

/**
 * test/storage's files but those about LevelDB itself: rotation-crash fills
 * a LevelDB directory directly (bench/estate-fill.ts) to have thousands of
 * records in seconds.
 */
function storageFiles(): string[] {
  const levelDbOnly = new Set(['rotation-crash.test.ts']);
  return readdirSync('test/storage')
    .filter((name) => name.endsWith('.test.ts') && !levelDbOnly.has(name))
    .map((name) => `test/storage/${name}`);
}

const files = process.argv.slice(2);
const globs = files.length > 0 ? files : POSTGRESQL_PASS_GLOBS;
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
