/**
 * The built `scmpki` binary against a real server (real LevelDB in a temp
 * dir, real HTTP on 127.0.0.1:0) and a real SCM simulator: every argument
 * form, every output format, -field, and Vault's exit codes. Needs
 * `npm run build` (npm test runs it first).
 */
import t from 'tap';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import YAML from 'yaml';
import { startTestSimulator } from '../helpers/test-simulator.js';
import { generateSealKey } from '../../src/storage/seal-key.js';
import { startTestServer } from '../helpers/server-fixture.js';
import { tempDir } from '../helpers/temp-dir.js';
import { keyValueArgs, runCli } from '../helpers/run-cli.js';
import { SIMULATOR_LOGIN, simulatorConnection } from '../helpers/scm-connection.js';

const sim = await startTestSimulator(t);
const server = await startTestServer(t);
const home = await tempDir(t, 'cli-home');
const env = { HOME: home, VAULT_ADDR: server.url, VAULT_TOKEN: server.token };
const cli = (args: string[], stdin?: string, extraEnv: Record<string, string | undefined> = {}) =>
  runCli(args, { env: { ...env, ...extraEnv }, stdin });

// Without the password: each test sends it its own way (@file, stdin).
const { sectigo_cm_password: _password, ...withoutPassword } = simulatorConnection(sim);
const connection = keyValueArgs({ ...withoutPassword, sectigo_config_type: 'ssl_cert' });

t.test('write with key=value and key=@file, then read in every format', async (t) => {
  const passwordFile = join(home, 'password.txt');
  await writeFile(passwordFile, SIMULATOR_LOGIN.password);
  const written = await cli(['write', '/sectigo-vault-pki/configs/demo/', ...connection, `sectigo_cm_password=@${passwordFile}`]);
  t.equal(written.code, 0, written.stderr);
  t.equal(written.stdout, 'Success! Data written to: sectigo-vault-pki/configs/demo\n');

  const table = await cli(['read', 'sectigo-vault-pki/configs/demo']);
  t.equal(table.code, 0, table.stderr);
  const lines = table.stdout.split('\n');
  t.match(lines[0], /^Key\s{4,}Value$/);
  t.match(lines[1], /^---\s{4,}-----$/);
  t.match(table.stdout, /\nsectigo_cm_org_id\s{4,}1001\n/, 'the org id was coerced from the string "1001"');
  t.match(table.stdout, /\nsectigo_cm_password_set\s{4,}true\n/);
  t.notMatch(table.stdout, /sectigo_cm_password\s/, 'the password is never shown');

  const json = await cli(['read', '-format=json', 'sectigo-vault-pki/configs/demo']);
  t.equal(json.code, 0, json.stderr);
  const envelope = JSON.parse(json.stdout);
  t.same(Object.keys(envelope).slice(0, 6), ['request_id', 'lease_id', 'lease_duration', 'renewable', 'data', 'warnings']);
  t.equal(envelope.data.sectigo_cm_uri, 'demo');

  const yaml = await cli(['read', 'sectigo-vault-pki/configs/demo'], undefined, { VAULT_FORMAT: 'yaml' });
  t.equal(yaml.code, 0, yaml.stderr);
  t.same(YAML.parse(yaml.stdout).data, envelope.data, 'VAULT_FORMAT=yaml prints the same data');

  const field = await cli(['read', '-field=sectigo_cm_uri', 'sectigo-vault-pki/configs/demo']);
  t.same(field, { code: 0, stdout: 'demo', stderr: '' }, '-field prints the raw value and nothing else');

  const missingField = await cli(['read', '-field=nope', 'sectigo-vault-pki/configs/demo']);
  t.equal(missingField.code, 1);
  t.equal(missingField.stderr, 'Field "nope" not present in secret\n');
});

t.test('@file.json and - merge JSON; key=- reads a raw value from stdin', async (t) => {
  const configFile = join(home, 'config.json');
  await writeFile(configFile, JSON.stringify({ ...simulatorConnection(sim), sectigo_config_type: 'ssl_cert' }));
  const fromFile = await cli(['write', 'sectigo-vault-pki/configs/from-file', `@${configFile}`, 'sectigo_ssl_cert_validity=730']);
  t.equal(fromFile.code, 0, fromFile.stderr);
  const read = JSON.parse((await cli(['read', '-format=json', 'sectigo-vault-pki/configs/from-file'])).stdout);
  t.equal(read.data.sectigo_ssl_cert_validity, 730, 'a key=value next to @file.json is sent too');

  const stdinJson = await cli(['write', 'sectigo-vault-pki/configs/from-stdin', '-'], await readFile(configFile, 'utf8'));
  t.equal(stdinJson.code, 0, stdinJson.stderr);

  const stdinValue = await cli(['write', 'sectigo-vault-pki/configs/password-stdin', ...connection, 'sectigo_cm_password=-'], SIMULATOR_LOGIN.password);
  t.equal(stdinValue.code, 0, stdinValue.stderr);
  const check = JSON.parse((await cli(['read', '-format=json', 'sectigo-vault-pki/configs/password-stdin'])).stdout);
  t.equal(check.data.sectigo_cm_password_set, true);
});

t.test('list: sorted Keys table, a JSON array, and exit 2 when there is nothing', async (t) => {
  const table = await cli(['list', 'sectigo-vault-pki/configs']);
  t.equal(table.code, 0, table.stderr);
  t.equal(table.stdout, 'Keys\n----\ndemo\nfrom-file\nfrom-stdin\npassword-stdin\n');
  const json = await cli(['list', '-format=json', 'sectigo-vault-pki/configs/']);
  t.same(JSON.parse(json.stdout), ['demo', 'from-file', 'from-stdin', 'password-stdin']);
  const empty = await cli(['list', 'sectigo-vault-pki/certs/demo']);
  t.equal(empty.code, 2);
  t.equal(empty.stdout, '');
  t.match(empty.stderr, /^No (value|entries) found at sectigo-vault-pki\/certs\/demo\/\n$/);
});

t.test('delete, then reading the entry is "No value found" with exit 2', async (t) => {
  const deleted = await cli(['delete', 'sectigo-vault-pki/configs/from-stdin']);
  t.same(deleted, { code: 0, stdout: 'Success! Data deleted (if it existed) at: sectigo-vault-pki/configs/from-stdin\n', stderr: '' });
  const read = await cli(['read', 'sectigo-vault-pki/configs/from-stdin']);
  t.same(read, { code: 2, stdout: '', stderr: 'No value found at sectigo-vault-pki/configs/from-stdin\n' });
});

t.test('server errors print Vault\'s API error text and exit 2', async (t) => {
  const bad = await cli(['write', 'sectigo-vault-pki/configs/bad', ...connection.filter((a) => !a.startsWith('sectigo_cm_org_id')), 'sectigo_cm_password=x', 'sectigo_cm_org_id=abc']);
  t.equal(bad.code, 2);
  t.equal(bad.stdout, '');
  t.ok(
    bad.stderr.startsWith(
      `Error writing data to sectigo-vault-pki/configs/bad: Error making API request.\n\nURL: PUT ${server.url}/v1/sectigo-vault-pki/configs/bad\nCode: 400. Errors:\n\n* `,
    ),
    bad.stderr,
  );
  t.match(bad.stderr, /sectigo_cm_org_id/, 'the message names the field');

  const forced = await cli(['write', '-f', 'sectigo-vault-pki/configs/empty']);
  t.equal(forced.code, 2, '-f sends null, which the server reads as {} and rejects for missing fields');
  t.match(forced.stderr, /Code: 400\. Errors:\n\n\* .*sectigo_/);

  const noToken = await cli(['read', 'sectigo-vault-pki/configs/demo'], undefined, { VAULT_TOKEN: undefined });
  t.equal(noToken.code, 2);
  t.match(noToken.stderr, /^Error reading sectigo-vault-pki\/configs\/demo: Error making API request\.\n\nURL: GET .*\nCode: 403\./);

  const unreachable = await cli(['read', 'sectigo-vault-pki/configs/demo'], undefined, { VAULT_ADDR: 'http://127.0.0.1:1' });
  t.equal(unreachable.code, 2);
  t.match(unreachable.stderr, /^Error reading sectigo-vault-pki\/configs\/demo: GET "http:\/\/127\.0\.0\.1:1\/v1\/sectigo-vault-pki\/configs\/demo": .*ECONNREFUSED/);
});

t.test('local mistakes exit 1 before anything is sent', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [['write', 'sectigo-vault-pki/configs/x'], /^Must supply data or use -force\n$/],
    [['write', 'sectigo-vault-pki/configs/x', 'novalue'], /^Failed to parse K=V data: invalid key\/value pair "novalue": format must be key=value\n$/],
    [['write', 'sectigo-vault-pki/configs/x', '@/nonexistent.json'], /error reading file "\/nonexistent.json": ENOENT/],
    [['read'], /^Incorrect number of arguments \(expected at least 1, got 0\)/],
    [['read', '-bogus', 'x'], /^flag provided but not defined: -bogus/],
    [['read', '-format=xml', 'x'], /^Invalid output format: xml/],
    [['frobnicate'], /^Unknown command: frobnicate/],
  ];
  for (const [args, message] of cases) {
    const result = await cli(args);
    t.equal(result.code, 1, args.join(' '));
    t.match(result.stderr, message, args.join(' '));
  }
  t.same(await cli(['read', 'x'], undefined, { VAULT_SKIP_VERIFY: 'maybe' }), { code: 1, stdout: '', stderr: 'could not parse VAULT_SKIP_VERIFY: "maybe" is not a boolean\n' });
  const help = await cli(['write', '-h']);
  t.equal(help.code, 0);
  t.match(help.stdout, /^Usage: scmpki write/);
  t.match((await cli(['version'])).stdout, /^scmpki v\d+\.\d+\.\d+\n$/);
});

t.test('login checks the token, stores it 0600, and later commands use it', async (t) => {
  const loginHome = await tempDir(t, 'cli-login');
  const noToken = { HOME: loginHome, VAULT_TOKEN: undefined };
  const refused = await cli(['login', 'not-a-token'], undefined, noToken);
  t.equal(refused.code, 2);
  t.match(refused.stderr, /^Error authenticating: error looking up token: Error making API request\.[\s\S]*Code: 403\./);
  await t.rejects(stat(join(loginHome, '.vault-token')), { code: 'ENOENT' }, 'a refused token is not stored');

  const login = await cli(['login', '-'], `${server.token}\n`, noToken);
  t.equal(login.code, 0, login.stderr);
  t.match(login.stdout, /^Success! You are now authenticated\./);
  t.match(login.stdout, /\ntoken_policies\s{4,}\["root"\]\n/);
  t.equal(await readFile(join(loginHome, '.vault-token'), 'utf8'), server.token);
  t.equal((await stat(join(loginHome, '.vault-token'))).mode & 0o777, 0o600);

  const read = await cli(['read', '-field=sectigo_cm_uri', 'sectigo-vault-pki/configs/demo'], undefined, noToken);
  t.same(read, { code: 0, stdout: 'demo', stderr: '' }, 'the stored token is used');
});

t.test('token create prints the token table; -field=token prints just the token', async (t) => {
  const table = await cli(['token', 'create', '-policy=web-readers', '-ttl=1h', '-display-name=web']);
  t.equal(table.code, 0, table.stderr);
  t.match(table.stdout, /\ntoken\s{4,}\S+\n/);
  t.match(table.stdout, /\ntoken_duration\s{4,}1h\n/);
  t.match(table.stdout, /\npolicies\s{4,}\["web-readers"\]\n/);

  const field = await cli(['token', 'create', '-policy=web-readers', '-field=token']);
  t.equal(field.code, 0, field.stderr);
  t.match(field.stdout, /^\S+$/);
  const lookup = JSON.parse((await cli(['login', '-format=json', field.stdout], undefined, { HOME: await tempDir(t, 'cli-token') })).stdout);
  t.same(lookup.auth.policies, ['web-readers'], 'the new token carries the policy');
});

t.test('token create -orphan and -explicit-max-ttl reach auth/token/create as no_parent and explicit_max_ttl', async (t) => {
  const made = await cli(['token', 'create', '-orphan', '-ttl=2h', '-explicit-max-ttl=1h', '-format=json']);
  t.equal(made.code, 0, made.stderr);
  const { auth } = JSON.parse(made.stdout);
  t.equal(auth.orphan, true);
  t.equal(auth.lease_duration, 3600, 'ttl capped at the explicit max');
});

t.test('policy write uploads the file as {policy}; a token holding it gets exactly what it grants', async (t) => {
  const file = join(home, 'web.hcl');
  const text = 'path "sectigo-vault-pki/configs/demo" { capabilities = ["read"] }\n';
  await writeFile(file, text);
  const result = await cli(['policy', 'write', 'demo-readers', file]);
  t.same(result, { code: 0, stdout: 'Success! Uploaded policy: demo-readers\n', stderr: '' });
  const stored = await cli(['read', '-field=policy', 'sys/policies/acl/demo-readers']);
  t.same(stored, { code: 0, stdout: text, stderr: '' }, 'read back as written');

  const fromStdin = await cli(['policy', 'write', 'demo-readers', '-'], text);
  t.same(fromStdin, { code: 0, stdout: 'Success! Uploaded policy: demo-readers\n', stderr: '' });

  const bad = await cli(['policy', 'write', 'broken', '-'], 'path "x" { capabilities = ["write"] }');
  t.equal(bad.code, 2);
  t.match(bad.stderr, /Code: 400\. Errors:\n\n\* policy: path "x": unknown capability "write"/);

  const reader = (await cli(['token', 'create', '-policy=demo-readers', '-field=token'])).stdout;
  t.match(reader, /^hvs\.\S+$/);
  const allowed = await cli(['read', '-field=sectigo_cm_uri', 'sectigo-vault-pki/configs/demo'], undefined, { VAULT_TOKEN: reader });
  t.same(allowed, { code: 0, stdout: 'demo', stderr: '' });
  const denied = await cli(['write', 'sectigo-vault-pki/configs/demo', 'sectigo_cm_uri=other'], undefined, { VAULT_TOKEN: reader });
  t.equal(denied.code, 2);
  t.match(denied.stderr, /Code: 403\. Errors:\n\n\* permission denied/);

  const missing = await cli(['policy', 'write', 'web-readers', '/nonexistent.hcl']);
  t.equal(missing.code, 1);
  t.match(missing.stderr, /^Error opening policy file: ENOENT/);
});

t.test('status: exit 0 when unsealed, 2 when sealed', async (t) => {
  const table = await cli(['status']);
  t.equal(table.code, 0, table.stderr);
  t.match(table.stdout, /\nSealed\s{4,}false\n/);
  t.match(table.stdout, /\nInitialized\s{4,}true\n/);
  const json = JSON.parse((await cli(['status', '-format=json'])).stdout);
  t.equal(json.sealed, false);

  const dataDir = await tempDir(t, 'cli-sealed');
  const first = await startTestServer(t, {}, { dataDir });
  await first.close();
  const sealed = await startTestServer(t, { serve_sealed: true }, { dataDir, sealKey: generateSealKey() });
  const sealedStatus = await cli(['status'], undefined, { VAULT_ADDR: sealed.url });
  t.equal(sealedStatus.code, 2, sealedStatus.stderr);
  t.match(sealedStatus.stdout, /\nSealed\s{4,}true\n/);

  const unreachable = await cli(['status'], undefined, { VAULT_ADDR: 'http://127.0.0.1:1' });
  t.equal(unreachable.code, 1);
  t.match(unreachable.stderr, /^Error checking seal status: /);
});
