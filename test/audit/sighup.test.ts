import { t } from '../helpers/suite.js';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { enableFileDevice, readAuditLog } from '../helpers/audit-log.js';
import { startServerProcess } from '../helpers/server-process.js';
import { tempDir } from '../helpers/temp-dir.js';
import { vaultRequest } from '../helpers/vault-api.js';
import { waitFor } from '../helpers/wait-for.js';

t.test('`scmpki server` reopens its audit files on SIGHUP and keeps running', async (t) => {
  const dataDir = await tempDir(t, 'sighup');
  const server = await startServerProcess(t, dataDir);
  const token = server.rootToken!;
  const file = join(dataDir, 'audit.log');
  t.equal((await enableFileDevice(server.url, token, 'file', file)).status, 204);
  await vaultRequest(server.url, token, 'GET', 'auth/token/lookup-self');
  await rename(file, `${file}.1`);
  await server.signal('SIGHUP');
  // The reopen runs after the signal arrives: wait until a request lands in the new file.
  await waitFor('a request logged to the reopened file', async () => {
    t.equal((await vaultRequest(server.url, token, 'GET', 'auth/token/lookup-self')).status, 200, 'still serving');
    return (await readAuditLog(file)).length > 0 ? true : undefined;
  });
  // A request under way at the signal may end in the new file; the one before it is wholly in the old.
  t.ok((await readAuditLog(`${file}.1`)).filter((line) => line.request.path === 'auth/token/lookup-self').length >= 2, 'the moved file kept what was written before');
});
