/**
 * The built `scmpki` binary against a real server and SCM simulator: every
 * argument form, every output format, -field, and Vault's exit codes for
 * read, write, list and delete (the auth commands and status are in
 * cli-auth-commands.test.ts). Needs `npm run build` (npm test runs it first).
 */
import { t } from '../helpers/suite.js';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import YAML from 'yaml';
import { startCliFixture } from '../helpers/cli-fixture.js';
import { SIMULATOR_LOGIN, simulatorConnection } from '../helpers/scm-connection.js';

const { sim, server, home, cli, connection } = await startCliFixture(t);

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

t.test('a 404 that says why is shown: an unknown id, a mistyped path', async (t) => {
  const unknownId = await cli(['read', 'sectigo-vault-pki/certs/demo/424242_demo']);
  t.equal(unknownId.code, 2);
  t.match(unknownId.stderr, /Code: 404\. Errors:\n\n\* certificate "424242_demo" not found under config "demo"\n/);
  const mistyped = await cli(['read', 'sectigo-vault-pki/cert/demo/424242_demo']);
  t.equal(mistyped.code, 2);
  t.match(mistyped.stderr, /Code: 404\. Errors:\n\n\* unsupported path: sectigo-vault-pki\/cert\/demo\/424242_demo\n/);
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

