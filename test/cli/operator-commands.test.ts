/**
 * `scmpki operator init` and `scmpki operator generate-root`, run as the
 * built binary against a data dir, then the server started on it.
 */
import { t } from '../helpers/suite.js';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateSealKey } from '../../src/storage/seal-key.js';
import { rawRequest } from '../helpers/raw-http.js';
import { runCli } from '../helpers/run-cli.js';
import { startServerProcess } from '../helpers/server-process.js';
import { tempDir } from '../helpers/temp-dir.js';

async function writeConfig(dir: string): Promise<string> {
  const file = join(dir, 'server.json');
  await writeFile(file, JSON.stringify({ listen_address: '127.0.0.1:0', storage_path: join(dir, 'db'), seal_key_file: join(dir, 'seal.key') }));
  return file;
}

async function tokenWorks(url: string, token: string): Promise<boolean> {
  const res = await rawRequest(url, 'GET', '/v1/auth/token/lookup-self', { headers: { 'X-Vault-Token': token } });
  return res.status === 200;
}

t.test('operator generate-root: a new root token for a stopped server, with the seal key', async (t) => {
  const dir = await tempDir(t, 'generate-root');
  const server = await startServerProcess(t, dir);
  const config = await writeConfig(dir);
  const whileRunning = await runCli(['operator', 'generate-root', `-config=${config}`], { env: { HOME: dir } });
  t.equal(whileRunning.code, 1);
  t.match(whileRunning.stderr, /open in another process .*stop the server first/);
  await server.kill('SIGTERM');

  const tokenFile = join(dir, 'root-token');
  const generated = await runCli(['operator', 'generate-root', `-config=${config}`, `-token-file=${tokenFile}`], { env: { HOME: dir } });
  t.equal(generated.code, 0, generated.stderr);
  const token = /Root token[^\n]*\n\n\s+(\S+)/.exec(generated.stdout)?.[1];
  t.ok(token);
  t.equal(await readFile(tokenFile, 'utf8'), token, 'the token file holds the same token');
  t.equal((await stat(tokenFile)).mode & 0o777, 0o600);

  const other = join(dir, 'other.key');
  await writeFile(other, generateSealKey().toString('base64'));
  const wrongKey = await runCli(['operator', 'generate-root', `-config=${config}`], { env: { HOME: dir, SCMPKI_SEAL_KEY_FILE: other } });
  t.equal(wrongKey.code, 1, 'a key that does not open the database is refused');
  t.match(wrongKey.stderr, `the key from seal key file ${other} does not open`);

  const restarted = await startServerProcess(t, dir);
  t.equal(restarted.rootToken, undefined);
  t.ok(await tokenWorks(restarted.url, token!), 'the generated root token works');
  t.ok(await tokenWorks(restarted.url, server.rootToken!), 'the old one too (revoke it with itself if it was not lost)');
});

t.test('operator init: a new data dir initialised without serving; the server then prints no token', async (t) => {
  const dir = await tempDir(t, 'operator-init');
  const config = await writeConfig(dir);
  const tokenFile = join(dir, 'root-token');
  const init = await runCli(['operator', 'init', `-config=${config}`, `-token-file=${tokenFile}`], { env: { HOME: dir } });
  t.equal(init.code, 0, init.stderr);
  const token = /Root token[^\n]*\n\n\s+(\S+)/.exec(init.stdout)?.[1];
  t.equal(await readFile(tokenFile, 'utf8'), token);
  t.equal((await stat(join(dir, 'seal.key'))).mode & 0o777, 0o600);

  const again = await runCli(['operator', 'init', `-config=${config}`], { env: { HOME: dir } });
  t.equal(again.code, 1);
  t.match(again.stderr, /already holds a database.*operator generate-root/);

  const server = await startServerProcess(t, dir);
  t.equal(server.rootToken, undefined, 'the server shows no token: init did');
  t.ok(await tokenWorks(server.url, token!));
});
