import { t } from '../helpers/suite.js';
import { mkdtemp, rm, stat, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_ADDRESS, parseDurationSeconds, resolveClientConfig } from '../../src/cli/client-config.js';
import { storeToken } from '../../src/cli/token-file.js';

t.test('defaults, environment and flags, in Vault precedence', async (t) => {
  const home = await mkdtemp(join(tmpdir(), 'scmpki-home-'));
  t.teardown(() => rm(home, { recursive: true, force: true }));

  const bare = await resolveClientConfig({}, { HOME: home });
  t.same(bare, { address: DEFAULT_ADDRESS, token: undefined, caCert: undefined, skipVerify: false, timeoutSeconds: 60 });

  await storeToken('file-token', { HOME: home });
  t.equal((await stat(join(home, '.vault-token'))).mode & 0o777, 0o600, 'token file is 0600');
  t.equal((await resolveClientConfig({}, { HOME: home })).token, 'file-token', '~/.vault-token is read');
  t.equal((await resolveClientConfig({}, { HOME: home, VAULT_TOKEN: 'env-token' })).token, 'env-token', 'VAULT_TOKEN wins');

  const ca = join(home, 'ca.pem');
  await writeFile(ca, 'PEM');
  const env = { HOME: home, VAULT_ADDR: 'https://vault.example:8200/', VAULT_CACERT: ca, VAULT_SKIP_VERIFY: 'True', VAULT_CLIENT_TIMEOUT: '2m' };
  const fromEnv = await resolveClientConfig({}, env);
  t.same(fromEnv, { address: 'https://vault.example:8200', token: 'file-token', caCert: 'PEM', skipVerify: true, timeoutSeconds: 120 });
  t.equal((await resolveClientConfig({ address: 'http://127.0.0.1:9999' }, env)).address, 'http://127.0.0.1:9999', '-address wins');
  t.equal(await readFile(join(home, '.vault-token'), 'utf8'), 'file-token');
});

t.test('unparsable environment values are named in the error', async (t) => {
  await t.rejects(resolveClientConfig({}, { HOME: '/nonexistent', VAULT_SKIP_VERIFY: 'maybe' }), { message: /VAULT_SKIP_VERIFY/ });
  await t.rejects(resolveClientConfig({}, { HOME: '/nonexistent', VAULT_CACERT: '/nonexistent/ca.pem' }), { message: /CA certificate \/nonexistent\/ca.pem: ENOENT/ });
  t.throws(() => parseDurationSeconds('soon', 'VAULT_CLIENT_TIMEOUT'), { message: /VAULT_CLIENT_TIMEOUT/ });
});

t.test('durations: plain seconds or Go units', async (t) => {
  t.equal(parseDurationSeconds('90', 'x'), 90);
  t.equal(parseDurationSeconds('1m30s', 'x'), 90);
  t.equal(parseDurationSeconds('1h', 'x'), 3600);
  t.equal(parseDurationSeconds('1500ms', 'x'), 1.5);
});
