import { t } from '../helpers/suite.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logging.js';
import { startDevServer } from '../../src/server/dev-mode.js';
import { loadSettings } from '../../src/server/settings.js';
import { rawRequest } from '../helpers/raw-http.js';
import { SIMULATOR_LOGIN } from '../helpers/scm-connection.js';
import { tempDir } from '../helpers/temp-dir.js';

t.test('settings: defaults, then the config file, then SCMPKI_* env', async (t) => {
  const dir = await tempDir(t, 'settings');
  const file = join(dir, 'scmpki.json');
  await writeFile(file, JSON.stringify({ listen_address: '127.0.0.1:9200', max_request_duration: '2m', mount_path: '/pki/' }));
  const settings = await loadSettings(file, { SCMPKI_LISTEN_ADDRESS: '127.0.0.1:9300', SCMPKI_MAX_REQUEST_SIZE: '4096' });
  t.equal(settings.listen_address, '127.0.0.1:9300', 'env wins over the file');
  t.equal(settings.max_request_duration, 120, 'Go duration read as seconds');
  t.equal(settings.max_request_size, 4096, 'env string coerced');
  t.equal(settings.mount_path, 'pki', 'slashes trimmed');
  t.equal(settings.log_level, 'info', 'default kept');

  await writeFile(file, JSON.stringify({ listen_adress: '127.0.0.1:9200' }));
  await t.rejects(loadSettings(file, {}), /listen_adress: unknown field/);
  await t.rejects(loadSettings(undefined, { SCMPKI_MAX_REQUEST_DURATION: 'soon' }), /max_request_duration/);
  await writeFile(file, '{');
  await t.rejects(loadSettings(file, {}), /invalid JSON/);
});

t.test('settings: the advertised address and the leader lease', async (t) => {
  const settings = await loadSettings(undefined, { SCMPKI_API_ADDR: 'https://scmpki-2.internal:8200', SCMPKI_HA_LEASE_TTL: '6s', SCMPKI_HA_LEASE_INTERVAL: '0.5' });
  t.equal(settings.api_addr, 'https://scmpki-2.internal:8200');
  t.equal(settings.ha_lease_ttl, 6, 'Go duration read as seconds');
  t.equal(settings.ha_lease_interval, 0.5);
  const defaults = await loadSettings(undefined, {});
  t.equal(defaults.api_addr, undefined, 'the listener URL is used unless set');
  t.ok(defaults.ha_lease_ttl + defaults.ha_lease_interval <= 15, 'a dead leader is replaced within 15 s by default');
  await t.rejects(loadSettings(undefined, { SCMPKI_HA_LEASE_TTL: '2s', SCMPKI_HA_LEASE_INTERVAL: '2s' }), /ha_lease_interval \(2s\) must be shorter than ha_lease_ttl \(2s\)/);
  await t.rejects(loadSettings(undefined, { SCMPKI_API_ADDR: 'scmpki-2:8200' }), /api_addr/);
});

t.test('settings: the PostgreSQL backend from the environment, its URL required and checked', async (t) => {
  const url = 'postgresql://scmpki:Pw-never-shown@db.example.com:5432/scmpki';
  const settings = await loadSettings(undefined, { SCMPKI_STORAGE_BACKEND: 'postgresql', SCMPKI_STORAGE_CONNECTION_URL: url, SCMPKI_STORAGE_MAX_CONNECTIONS: '25' });
  t.equal(settings.storage_backend, 'postgresql');
  t.equal(settings.storage_connection_url, url);
  t.equal(settings.storage_max_connections, 25);
  t.equal((await loadSettings(undefined, {})).storage_backend, 'leveldb', 'LevelDB unless asked');
  await t.rejects(loadSettings(undefined, { SCMPKI_STORAGE_BACKEND: 'postgresql' }), /storage_backend is postgresql but storage_connection_url is not set/);
  await t.rejects(loadSettings(undefined, { SCMPKI_STORAGE_BACKEND: 'mysql' }), /storage_backend/);
  const wrongScheme = await loadSettings(undefined, { SCMPKI_STORAGE_BACKEND: 'postgresql', SCMPKI_STORAGE_CONNECTION_URL: 'mysql://u:Pw-never-shown@h/db' }).catch((err: Error) => err.message);
  t.match(wrongScheme, /storage_connection_url/);
  t.notMatch(wrongScheme, /Pw-never-shown/, 'the message does not repeat the URL and its password');
});

t.test('dev mode: simulator in-process, demo configs pointing at it, fixed root token', async (t) => {
  const dataDir = await tempDir(t, 'dev');
  const logger = createLogger({ level: 'warn', destination: new Writable({ write: (_c, _e, done) => done() }) });
  const dev = await startDevServer({ listenAddress: '127.0.0.1:0', scmAddress: '127.0.0.1:0', rootTokenId: 'dev-root', dataDir, logger });
  t.teardown(() => dev.close());
  t.equal(dev.server.rootToken, 'dev-root');
  const auth = { 'X-Vault-Token': 'dev-root' };
  const list = await rawRequest(dev.server.url, 'LIST', '/v1/sectigo-vault-pki/configs', { headers: auth });
  t.same(list.json().data.keys, ['demo', 'demo-client']);
  const demo = (await rawRequest(dev.server.url, 'GET', '/v1/sectigo-vault-pki/configs/demo', { headers: auth })).json().data;
  t.match(demo, { sectigo_cm_base_url: dev.scmUrl, sectigo_cm_user: 'demo', sectigo_cm_uri: 'demo', sectigo_cm_org_id: dev.orgId, sectigo_config_type: 'ssl_cert', sectigo_cm_password_set: true });
  t.type(demo.sectigo_ssl_cert_type, 'number', 'an SSL profile default so the first enroll needs only a domain');
  const client = (await rawRequest(dev.server.url, 'GET', '/v1/sectigo-vault-pki/configs/demo-client', { headers: auth })).json().data;
  t.equal(client.sectigo_config_type, 'client_cert');
  const scmTypes = await fetch(`${dev.scmUrl}/api/ssl/v1/types`, { headers: SIMULATOR_LOGIN });
  t.equal(scmTypes.status, 200, 'the simulator answers on the dev SCM address');
});
