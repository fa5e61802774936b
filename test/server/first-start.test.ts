/**
 * A first start faulted or killed at each step (docs/security.md, "Initialisation"):
 * the operator always ends with a root token or a clear recovery path, and
 * an existing database is never given a new seal key. The server runs as its
 * own process (the built binary), as operators run it.
 */
import { t } from '../helpers/suite.js';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStorage } from '../../src/storage/level-storage.js';
import { generateSealKey, writeNewSealKeyFile } from '../../src/storage/seal-key.js';
import { rawRequest } from '../helpers/raw-http.js';
import { runCli } from '../helpers/run-cli.js';
import { startServerProcess } from '../helpers/server-process.js';
import { tempDir } from '../helpers/temp-dir.js';

function settingsFor(dir: string, extra: Record<string, unknown> = {}) {
  return { listen_address: '127.0.0.1:0', storage_path: join(dir, 'db'), seal_key_file: join(dir, 'seal.key'), ...extra };
}

async function writeConfig(dir: string, extra: Record<string, unknown> = {}): Promise<string> {
  const file = join(dir, 'server.json');
  await writeFile(file, JSON.stringify(settingsFor(dir, extra)));
  return file;
}

/** `scmpki server` expected to fail: it must exit by itself. */
function failedStart(dir: string, config: string) {
  return runCli(['server', `-config=${config}`], { env: { HOME: dir } });
}

async function tokenWorks(url: string, token: string): Promise<boolean> {
  const res = await rawRequest(url, 'GET', '/v1/auth/token/lookup-self', { headers: { 'X-Vault-Token': token } });
  return res.status === 200;
}

t.test('a missing TLS file stops the first start before anything is written; the next start shows the root token', async (t) => {
  const dir = await tempDir(t, 'first-tls');
  const config = await writeConfig(dir, { tls_cert_file: join(dir, 'missing.crt'), tls_key_file: join(dir, 'missing.key') });
  const failed = await failedStart(dir, config);
  t.equal(failed.code, 1);
  t.match(failed.stderr, /tls_cert_file .*missing\.crt/);
  t.notOk(existsSync(join(dir, 'seal.key')), 'no seal key written');
  t.notOk(existsSync(join(dir, 'db')), 'no database created');

  const half = await writeConfig(dir, { tls_cert_file: join(dir, 'missing.crt') });
  const refused = await failedStart(dir, half);
  t.equal(refused.code, 1);
  t.match(refused.stderr, /tls_cert_file is set but tls_key_file is not/, 'half a TLS pair is refused, not served as plain HTTP');

  const server = await startServerProcess(t, dir);
  t.ok(server.rootToken, 'the root token is shown at the start that succeeds');
  t.ok(await tokenWorks(server.url, server.rootToken!));
});

t.test('a busy port stops the first start before anything is written', async (t) => {
  const dir = await tempDir(t, 'first-port');
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
  const port = (blocker.address() as AddressInfo).port;
  const failed = await failedStart(dir, await writeConfig(dir, { listen_address: `127.0.0.1:${port}` }));
  t.equal(failed.code, 1);
  t.match(failed.stderr, new RegExp(`listen_address 127\\.0\\.0\\.1:${port}: address already in use`));
  t.notOk(existsSync(join(dir, 'seal.key')), 'no seal key written');
  t.notOk(existsSync(join(dir, 'db')), 'no database created');

  const server = await startServerProcess(t, dir);
  t.ok(server.rootToken && (await tokenWorks(server.url, server.rootToken)), 'the next start shows a working root token');
});

t.test('killed after the key file or the database was written, the next start shows the root token', async (t) => {
  const keyOnly = await tempDir(t, 'first-key-only');
  await writeNewSealKeyFile(join(keyOnly, 'seal.key'), generateSealKey());
  const first = await startServerProcess(t, keyOnly);
  t.ok(first.rootToken && (await tokenWorks(first.url, first.rootToken)), 'key file alone: the database is created with that key');

  const keyAndDb = await tempDir(t, 'first-key-and-db');
  const key = generateSealKey();
  await writeNewSealKeyFile(join(keyAndDb, 'seal.key'), key);
  const opened = await openStorage({ path: join(keyAndDb, 'db'), sealKey: key });
  await opened.storage.close();
  const second = await startServerProcess(t, keyAndDb);
  t.ok(second.rootToken && (await tokenWorks(second.url, second.rootToken)), 'database without a root token: one is made and shown');
});

t.test('kill -9 after the root token was shown but before it was stored: a crash loop leaves no valid unseen root token', async (t) => {
  const dir = await tempDir(t, 'first-kill');
  const script = fileURLToPath(new URL('./announce-and-hang.ts', import.meta.url));
  const shown: string[] = [];
  for (let attempt = 0; attempt < 2; attempt++) {
    const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(settingsFor(dir))], { stdio: ['ignore', 'pipe', 'inherit'] });
    const closed = new Promise((resolve) => child.once('close', resolve));
    const token = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk) => {
        out += chunk;
        const match = /announced (\S+)\n/.exec(out);
        if (match) resolve(match[1]!);
      });
      child.once('exit', () => reject(new Error(`the start exited before showing a token: ${out}`)));
    });
    shown.push(token);
    child.kill('SIGKILL');
    await closed;
  }
  t.equal(new Set(shown).size, 2, 'each interrupted start showed a new token');
  t.ok(existsSync(join(dir, 'seal.key')), 'the key file was written before the token was shown');

  const server = await startServerProcess(t, dir);
  t.ok(server.rootToken, 'the next start shows a root token');
  t.ok(await tokenWorks(server.url, server.rootToken!), 'and it works');
  for (const token of shown) t.notOk(await tokenWorks(server.url, token), 'a token shown by a killed start was never stored');
});

t.test('an existing database with a missing or wrong seal key: an error naming the key, never a new key', async (t) => {
  const dir = await tempDir(t, 'first-key-lost');
  const server = await startServerProcess(t, dir);
  await server.kill('SIGTERM');
  const config = await writeConfig(dir);
  const keyFile = join(dir, 'seal.key');
  await rename(keyFile, join(dir, 'seal.key.bak'));

  const missing = await failedStart(dir, config);
  t.equal(missing.code, 1);
  t.match(missing.stderr, `seal key file ${keyFile} does not exist, but storage_path`);
  t.notOk(existsSync(keyFile), 'no new key file');

  await writeFile(keyFile, generateSealKey().toString('base64'));
  const wrong = await failedStart(dir, config);
  t.equal(wrong.code, 1, 'refuses to start rather than serving sealed');
  t.match(wrong.stderr, `the key from seal key file ${keyFile} does not open the database`);
  t.match(wrong.stderr, /serve_sealed=true/, 'and says how to serve sealed instead');

  await rename(join(dir, 'seal.key.bak'), keyFile);
  const restored = await startServerProcess(t, dir);
  t.equal(restored.rootToken, undefined, 'the right key opens it; no second root token');
  t.ok(await tokenWorks(restored.url, server.rootToken!), 'the first root token still works');
});
