import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { t } from '../helpers/suite.js';
import { closeKeyPool, generateKeyPair, keyMatchesCsr, keyPoolQueueSize, parseCsr } from '../../src/pki/index.js';
import { openssl } from '../helpers/openssl.js';

const workDir = await mkdtemp(join(tmpdir(), 'scmpki-key-pool-'));
t.teardown(() => rm(workDir, { recursive: true, force: true }));

/** Runs keygen-probe.ts to its end: its exit code and what it printed. */
function runProbe(fifo: string): Promise<{ code: number; output: string }> {
  const probe = fileURLToPath(new URL('./keygen-probe.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import=tsx', probe, fifo], {
    env: { ...process.env, UV_THREADPOOL_SIZE: '1' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, output })));
}

t.test('keys and CSRs are made in worker threads: never on the main thread, never on libuv\'s thread pool', async (t) => {
  const fifo = join(workDir, 'libuv-held');
  await promisify(execFile)('mkfifo', [fifo]);
  const probe = await runProbe(fifo);
  t.equal(probe.code, 0, 'the probe made everything and exited on its own, the pool left open');
  const made = JSON.parse(probe.output) as { csrs: string[]; keys: string[] };
  for (const [index, csr] of made.csrs.entries()) {
    const verified = await openssl(['req', '-verify', '-noout'], csr);
    t.equal(verified.code, 0, `CSR ${index} verifies: ${verified.stderr}`);
    t.equal((await parseCsr(csr)).subjectAltNames[0], 'probe.example.com');
  }
  t.ok(keyMatchesCsr(made.keys[0], made.csrs[0]));
  t.ok(keyMatchesCsr(made.keys[1], made.csrs[1]));
});

t.test('the pool queues what its threads cannot take yet; closing it lets that work finish, and a later key starts it again', async (t) => {
  const count = availableParallelism() + 3;
  const keys = Array.from({ length: count }, () => generateKeyPair({ algorithm: 'RSA', bits: 2048 }));
  t.ok(keyPoolQueueSize() >= 3, `${keyPoolQueueSize()} of ${count} tasks wait for one of ${availableParallelism()} threads`);
  await closeKeyPool();
  const made = await Promise.all(keys);
  t.equal(made.filter((key) => key.privateKeyPem.startsWith('-----BEGIN PRIVATE KEY-----\n')).length, count, 'every queued key was made');
  t.equal(keyPoolQueueSize(), 0);
  const after = await generateKeyPair({ algorithm: 'EC', curve: 'P-256' });
  t.match(after.privateKeyPem, /^-----BEGIN PRIVATE KEY-----\n/);
  await closeKeyPool();
});
