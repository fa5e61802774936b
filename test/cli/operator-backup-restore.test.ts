/**
 * `scmpki operator backup` taken while enrolls run, then `scmpki operator
 * restore` into a new data directory (the built binary both times), and a
 * server started on it: every record reads, each private key matches its
 * certificate (openssl), and the snapshot file holds no secret in clear.
 */
import { t } from '../helpers/suite.js';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { generateSealKey } from '../../src/storage/seal-key.js';
import { assertNotInFile } from '../helpers/data-dir-scan.js';
import { setUp, SSL_CONFIG, sslEnroll } from '../helpers/engine-fixture.js';
import { openssl } from '../helpers/openssl.js';
import { runCli } from '../helpers/run-cli.js';
import { startTestServer } from '../helpers/server-fixture.js';
import { tempDir } from '../helpers/temp-dir.js';
import { engineCaller } from '../helpers/vault-api.js';

/** SCM takes this long to issue: the enrolls started before the backup are still waiting while it runs. */
const ISSUE_DELAY_MS = 4_000;

const setup = await setUp(t, { issueDelayMs: ISSUE_DELAY_MS });
await setup.writeConfig('web', SSL_CONFIG);
const work = await tempDir(t, 'backup');
const clientEnv = { VAULT_ADDR: setup.server.url, VAULT_TOKEN: setup.server.token, HOME: work };
const sealKeyEnv = { SCMPKI_SEAL_KEY: setup.server.sealKey.toString('base64'), HOME: work };

async function restoreConfig(name: string): Promise<string> {
  const file = join(work, `${name}.json`);
  await writeFile(file, JSON.stringify({ storage_path: join(work, name, 'db'), seal_key_file: join(work, name, 'seal.key') }));
  return file;
}

async function publicKeyOf(kind: 'x509' | 'pkey', pem: string): Promise<string> {
  const out = await openssl(kind === 'x509' ? ['x509', '-noout', '-pubkey'] : ['pkey', '-pubout'], pem);
  if (out.code !== 0) throw new Error(`openssl ${kind}: ${out.stderr}`);
  return out.stdout;
}

const issued = await Promise.all(['one', 'two', 'three'].map(async (name) => (await setup.call('POST', 'enroll/web', sslEnroll(`${name}.example.com`))).body.data));
let enrollsDone = false;
const running = Promise.all(['four', 'five', 'six', 'seven'].map((name) => setup.call('POST', 'enroll/web', sslEnroll(`${name}.example.com`)))).then((replies) => {
  enrollsDone = true;
  return replies;
});
const snapshot = join(work, 'scmpki.snap');
const backup = await runCli(['operator', 'backup', snapshot], { env: clientEnv });
const backupWhileEnrolling = !enrollsDone;
const later = await running;

t.test('the backup is taken while enrolls run, written 0600, and holds no secret in clear', async (t) => {
  t.equal(backup.code, 0, backup.stderr);
  t.match(backup.stdout, /^Snapshot saved to .*scmpki\.snap: \d+ entries\.\n$/);
  t.ok(backupWhileEnrolling, 'the enrolls were still running when the backup finished');
  t.ok(later.every((reply) => reply.status === 200), 'and they completed');
  t.equal((await stat(snapshot)).mode & 0o777, 0o600);
  for (const record of issued) {
    // A line from the end of the PEM: the private part (the start holds the public modulus, in the certificate too).
    await assertNotInFile(t, snapshot, (record.private_key as string).trim().split('\n').at(-3)!, 'the snapshot');
  }
  await assertNotInFile(t, snapshot, setup.server.token, 'the snapshot');
});

t.test('restore into a new directory; a server on it reads every record, and every key matches its certificate', async (t) => {
  const config = await restoreConfig('restored');
  const restored = await runCli(['operator', 'restore', `-config=${config}`, snapshot], { env: sealKeyEnv });
  t.equal(restored.code, 0, restored.stderr);
  t.match(restored.stdout, /^Restored \d+ entries from the snapshot of \S+ into .*restored\/db\.\n$/);

  const server = await startTestServer(t, { log_level: 'warn' }, { sealKey: setup.server.sealKey, dataDir: join(work, 'restored') });
  const call = engineCaller(server.url, setup.server.token);
  const ids = (await call('LIST', 'certs/web')).body.data.keys as string[];
  for (const record of issued) t.ok(ids.includes(record.cert_unique_id), `${record.domain}, issued before the backup, is restored`);
  t.ok(ids.length >= issued.length && ids.length <= issued.length + later.length, `${ids.length} records restored`);
  for (const id of ids) {
    // certs/ collects a record the snapshot caught while SCM was still issuing it.
    const read = await call('GET', `certs/web/${id}`);
    t.equal(read.status, 200, `${id} reads`);
    const record = read.body.data;
    t.equal(record.state.at(-1).status, 'Issued');
    t.equal(await publicKeyOf('pkey', record.private_key), await publicKeyOf('x509', record.leaf_certificate), `${id}: openssl finds the key matches the certificate`);
  }
  t.match(await setup.verify(issued[0].leaf_certificate), /: OK$/);
});

t.test('restore refuses a non-empty directory, another seal key, and a cut-short file, and leaves no database behind', async (t) => {
  const config = await restoreConfig('restored');
  const again = await runCli(['operator', 'restore', `-config=${config}`, snapshot], { env: sealKeyEnv });
  t.equal(again.code, 1);
  t.match(again.stderr, /storage_path .*restored\/db is not empty: a snapshot is restored only into an empty or absent directory/);

  const otherConfig = await restoreConfig('other-key');
  const wrongKey = await runCli(['operator', 'restore', `-config=${otherConfig}`, snapshot], { env: { ...sealKeyEnv, SCMPKI_SEAL_KEY: generateSealKey().toString('base64') } });
  t.equal(wrongKey.code, 1);
  t.match(wrongKey.stderr, /the key from SCMPKI_SEAL_KEY does not open this snapshot/);
  t.notOk(existsSync(join(work, 'other-key', 'db')), 'no database is left where the restore was refused');

  const noKey = await runCli(['operator', 'restore', `-config=${otherConfig}`, snapshot], { env: { HOME: work } });
  t.equal(noKey.code, 1);
  t.match(noKey.stderr, /restoring needs the seal key the snapshot was taken with/);

  const bytes = await readFile(snapshot);
  const cut = join(work, 'cut.snap');
  await writeFile(cut, bytes.subarray(0, bytes.length - 100));
  const truncated = await runCli(['operator', 'restore', `-config=${otherConfig}`, cut], { env: sealKeyEnv });
  t.equal(truncated.code, 1);
  t.match(truncated.stderr, /the snapshot ends inside .*: the file is cut short/);
  t.notOk(existsSync(join(work, 'other-key', 'db')), 'nor after a cut-short file');
});

t.test('a backup the server refuses exits 2 with the API error and leaves no file', async (t) => {
  const denied = await runCli(['operator', 'backup', join(work, 'denied.snap')], { env: { ...clientEnv, VAULT_TOKEN: 'hvs.not-a-token' } });
  t.equal(denied.code, 2);
  t.match(denied.stderr, /Error taking the snapshot: Error making API request\.[\s\S]*Code: 403/);
  t.notOk(existsSync(join(work, 'denied.snap')), 'no file is left behind');
});
