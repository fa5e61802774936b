import { t } from '../helpers/suite.js';
import YAML from 'yaml';
import { formatGoValue, formatTable, humanDuration } from '../../src/cli/go-format.js';
import { renderField, renderList, renderSecret, renderWarnings, resolveFormat } from '../../src/cli/secret-output.js';
import type { Secret } from '../../src/cli/vault-client.js';

const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const secret: Secret = {
  request_id: 'r1',
  lease_id: '',
  lease_duration: 0,
  renewable: false,
  data: { domain: 'a.example', ca_chain: [pem, pem], state: [{ status: 'Issued', time_stamp: 't' }], last_error: null, leaf_certificate: pem },
  warnings: ['first', 'second'],
  mount_type: 'sectigo-vault-pki',
};

t.test('Go %v formatting of JSON values', async (t) => {
  t.equal(formatGoValue('x'), 'x');
  t.equal(formatGoValue(null), '<nil>');
  t.equal(formatGoValue([1, 'a', true]), '[1 a true]');
  t.equal(formatGoValue({ z: 1, a: { b: [2] } }), 'map[a:map[b:[2]] z:1]');
});

t.test('human durations as Vault prints token TTLs', async (t) => {
  t.equal(humanDuration(0), '∞');
  t.equal(humanDuration(45), '45s');
  t.equal(humanDuration(90), '1m30s');
  t.equal(humanDuration(3600), '1h');
  t.equal(humanDuration(2764800), '768h');
  t.equal(humanDuration(3660), '1h1m');
});

t.test('tables pad every column but the last and fill empty cells with n/a', async (t) => {
  t.equal(formatTable(['Key', 'Value'], [['a', '1'], ['longer_key', '']]), 'Key           Value\n---           -----\na             1\nlonger_key    n/a');
});

t.test('table output sorts data keys; warnings are a separate block', async (t) => {
  const out = renderSecret(secret, 'table');
  const lines = out.split('\n');
  t.match(lines[0], /^Key\s+Value$/);
  t.match(lines[1], /^---\s+-----$/);
  t.same(lines.slice(2).filter((l) => /^[a-z_]+\s{4}/.test(l)).map((l) => l.split(/\s+/)[0]), ['ca_chain', 'domain', 'last_error', 'leaf_certificate', 'state']);
  t.match(out, /state\s+\[map\[status:Issued time_stamp:t\]\]/);
  t.match(out, /last_error\s+<nil>/);
  t.equal(renderWarnings(secret), 'WARNING! The following warnings were returned from Vault:\n\n  * first\n\n  * second\n\n');
  t.equal(renderWarnings({ warnings: null }), '');
});

t.test('json and yaml keep the whole envelope in api.Secret order', async (t) => {
  const json = JSON.parse(renderSecret(secret, 'json'));
  t.same(Object.keys(json), ['request_id', 'lease_id', 'lease_duration', 'renewable', 'data', 'warnings', 'mount_type']);
  t.same(json.data, secret.data);
  t.same(YAML.parse(renderSecret(secret, 'yaml')), json);
});

t.test('-field prints a PEM byte for byte and a PEM list as a bundle', async (t) => {
  t.equal(renderField(secret, 'leaf_certificate', 'table', false), pem);
  t.equal(renderField(secret, 'ca_chain', 'table', false), pem + pem);
  t.equal(renderField({ data: { n: 'no-newline' } }, 'n', 'table', false), 'no-newline');
  t.equal(renderField({ data: { n: 'no-newline' } }, 'n', 'table', true), 'no-newline\n');
  t.equal(renderField(secret, 'domain', 'json', false), '"a.example"\n');
  t.equal(renderField(secret, 'missing', 'table', false), undefined);
  t.equal(renderField(null, 'domain', 'table', false), undefined);
});

t.test('-field=token reads the auth block', async (t) => {
  const created: Secret = { data: null, auth: { client_token: 'tok', accessor: 'acc', policies: ['web'], token_policies: ['web'], lease_duration: 3600, renewable: true } };
  t.equal(renderField(created, 'token', 'table', false), 'tok');
  const table = renderSecret(created, 'table');
  t.match(table, /token\s+tok\n/);
  t.match(table, /token_duration\s+1h\n/);
  t.match(table, /token_policies\s+\["web"\]\n/);
});

t.test('lists: sorted keys, -detailed adds key_info columns, json prints only keys', async (t) => {
  const list: Secret = {
    data: {
      keys: ['b_2', 'a_1'],
      key_info: { a_1: { domain: 'a.example', status: 'Issued' }, b_2: { domain: 'b.example', days_left: 3 } },
    },
  };
  t.equal(renderList(list, 'table', false), 'Keys\n----\na_1\nb_2\n');
  t.equal(
    renderList(list, 'table', true),
    'Keys    days_left    domain       status\n----    ---------    ------       ------\na_1     n/a          a.example    Issued\nb_2     3            b.example    n/a\n',
  );
  t.same(JSON.parse(renderList(list, 'json', false)), ['a_1', 'b_2']);
  t.same(JSON.parse(renderList(list, 'json', true)).data.key_info.a_1.domain, 'a.example');
});

t.test('format comes from the flag, then VAULT_FORMAT; unknown formats are refused', async (t) => {
  t.equal(resolveFormat(undefined, {}), 'table');
  t.equal(resolveFormat(undefined, { VAULT_FORMAT: 'yml' }), 'yaml');
  t.equal(resolveFormat('json', { VAULT_FORMAT: 'yaml' }), 'json');
  t.throws(() => resolveFormat('xml', {}), { message: 'Invalid output format: xml (use table, json or yaml)' });
});
