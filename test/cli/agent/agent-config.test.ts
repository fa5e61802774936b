import { join } from 'node:path';
import { t } from '../../helpers/suite.js';
import { parseAgentConfig } from '../../../src/cli/agent/agent-config.js';

const source = join('/etc', 'scmpki', 'agent.json');
const parse = (config: unknown, file = source) => parseAgentConfig(JSON.stringify(config), file);
const cert = { path: 'sectigo-vault-pki/certs/demo/1_demo', dir: 'web' };

t.test('defaults: file names under dir, resolved against the config file; 5 min interval; key stays 0600', async (t) => {
  const config = parse({ certificates: [cert] });
  const [target] = config.certificates;
  t.same(target.files, {
    cert: join('/etc', 'scmpki', 'web', 'cert.pem'),
    key: join('/etc', 'scmpki', 'web', 'key.pem'),
    chain: join('/etc', 'scmpki', 'web', 'chain.pem'),
    fullchain: join('/etc', 'scmpki', 'web', 'fullchain.pem'),
  });
  t.equal(target.fileMode, 0o644);
  t.equal(config.intervalMs, 300_000);
  t.equal(config.retryInitialMs, 5_000);
  t.equal(config.retryMaxMs, 300_000);
});

t.test('explicit file names, Go durations, mode, owner and a leading slash on the path', async (t) => {
  const config = parse({
    vault_addr: 'https://vault.example.com:8200/',
    interval: '1h30m',
    retry_initial: '500ms',
    retry_max: '2m',
    certificates: [
      {
        path: '/sectigo-vault-pki/certs/demo/1_demo/',
        dir: '/srv/tls',
        cert_file: 'site.crt',
        key_file: '/srv/private/site.key',
        chain_file: 'ca.pem',
        fullchain_file: 'full.pem',
        expiry_window_days: 20,
        collect_timeout: '90s',
        reload_command: 'systemctl reload nginx',
        file_mode: '0640',
        uid: 0,
        gid: 33,
      },
    ],
  });
  const [target] = config.certificates;
  t.equal(config.vaultAddr, 'https://vault.example.com:8200');
  t.equal(config.intervalMs, 5_400_000);
  t.equal(config.retryInitialMs, 500);
  t.equal(target.path, 'sectigo-vault-pki/certs/demo/1_demo');
  t.equal(target.files.cert, '/srv/tls/site.crt');
  t.equal(target.files.key, '/srv/private/site.key');
  t.equal(target.fileMode, 0o640);
  t.same(target.owner, { uid: 0, gid: 33 });
  t.equal(target.expiryWindowDays, 20);
  t.equal(target.collectTimeoutSeconds, 90);
});

const approle = { method: 'approle', role_id_file: 'role-id', secret_id_file: '/run/scmpki/secret-id' };

t.test('auth: approle with its files resolved against the config file; the secret ID file is removed by default', async (t) => {
  const config = parse({ certificates: [cert], auth: approle });
  t.same(config.approle, { roleIdFile: '/etc/scmpki/role-id', secretIdFile: '/run/scmpki/secret-id', removeSecretIdFile: true, mountPath: 'approle' });
  t.equal(config.token, undefined);
  const kept = parse({ certificates: [cert], auth: { ...approle, remove_secret_id_file_after_reading: false, mount_path: 'machines' } });
  t.match(kept.approle, { removeSecretIdFile: false, mountPath: 'machines' });
  t.equal(parse({ certificates: [cert] }).approle, undefined);
});

t.test('YAML for .yaml files', async (t) => {
  const text = `interval: 10m\ncertificates:\n  - path: sectigo-vault-pki/certs/demo/7_demo\n    dir: /srv/tls\n`;
  const config = parseAgentConfig(text, '/etc/scmpki/agent.yaml');
  t.equal(config.intervalMs, 600_000);
  t.equal(config.certificates[0].files.key, '/srv/tls/key.pem');
});

t.test('every mistake names the field and the problem', async (t) => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['no certificates', {}, /certificates: required/],
    ['empty list', { certificates: [] }, /certificates: must NOT have fewer than 1 items/],
    ['unknown top-level field', { certificates: [cert], intervall: '5m' }, /intervall: unknown field/],
    ['unknown certificate field', { certificates: [{ ...cert, keyfile: 'k' }] }, /certificates\[0\]\.keyfile: unknown field/],
    ['path missing', { certificates: [{ dir: 'x' }] }, /certificates\[0\]\.path: required/],
    ['path with one segment', { certificates: [{ ...cert, path: 'demo' }] }, /certificates\[0\]\.path: must be a Vault path like sectigo-vault-pki\/certs\/<config>\/<cert_unique_id>/],
    ['window as text', { certificates: [{ ...cert, expiry_window_days: '30' }] }, /certificates\[0\]\.expiry_window_days: must be integer/],
    ['mode not octal', { certificates: [{ ...cert, file_mode: '0999' }] }, /certificates\[0\]\.file_mode: must be an octal mode like 0644/],
    ['address without scheme', { certificates: [cert], vault_addr: 'vault:8200' }, /vault_addr: must start with http:\/\/ or https:\/\//],
    ['bad duration', { certificates: [cert], interval: 'soon' }, /interval: "soon" is not a number of seconds or a duration/],
    ['bad collect_timeout', { certificates: [{ ...cert, collect_timeout: '1 minute' }] }, /certificates\[0\]\.collect_timeout: "1 minute" is not a number of seconds/],
    ['zero interval', { certificates: [cert], interval: '0' }, /interval: must be a positive duration/],
    ['retry_max below retry_initial', { certificates: [cert], retry_initial: '1m', retry_max: '10s' }, /retry_max: must not be shorter than retry_initial/],
    ['no dir and no file', { certificates: [{ path: cert.path, cert_file: 'c.pem' }] }, /certificates\[0\]\.key_file: required when certificates\[0\]\.dir is not set/],
    ['uid without gid', { certificates: [{ ...cert, uid: 0 }] }, /certificates\[0\]: uid and gid must be given together/],
    ['auth method not approle', { certificates: [cert], auth: { ...approle, method: 'userpass' } }, /auth\.method: must be "approle"/],
    ['auth without a secret ID file', { certificates: [cert], auth: { method: 'approle', role_id_file: 'r' } }, /auth\.secret_id_file: required/],
    ['auth mount with a slash', { certificates: [cert], auth: { ...approle, mount_path: 'a/b' } }, /auth\.mount_path: must be a mount name like approle/],
    ['auth and token', { certificates: [cert], auth: approle, token: 'hvs.x' }, /auth: give either token or auth, not both/],
    ['two entries, one directory', { certificates: [cert, { ...cert, path: 'sectigo-vault-pki/certs/demo/2_demo' }] }, /certificates\[1\]\.key_file: .*key\.pem is already written by certificates\[0\]\.key_file/],
  ];
  for (const [name, config, message] of cases) {
    t.throws(() => parse(config), { name: 'LocalError', message }, name);
  }
  t.throws(() => parseAgentConfig('{"certificates": [', source), { message: /agent\.json: not valid JSON/ }, 'broken JSON');
});
