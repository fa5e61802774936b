import { t } from '../helpers/suite.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRequestData, toQueryParams } from '../../src/cli/kv-args.js';
import { LocalError } from '../../src/cli/local-error.js';

const noStdin = async (): Promise<string> => {
  throw new Error('stdin must not be read');
};

t.test('key=value pairs are strings, repeated keys become arrays', async (t) => {
  const data = await buildRequestData(['term=365', 'auto=true', 'san=a', 'san=b', 'san=c', 'note=x=y'], noStdin);
  t.same(data, { term: '365', auto: 'true', san: ['a', 'b', 'c'], note: 'x=y' });
});

t.test('files: key=@file is the raw text, @file.json is merged JSON (a key=value for a JSON key appends, as in Vault), \\@ is a literal', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'scmpki-kv-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const pem = '-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n';
  await writeFile(join(dir, 'req.pem'), pem);
  await writeFile(join(dir, 'body.json'), JSON.stringify({ sectigo_csr_key_size: 2048, sectigo_auto_renew: true, override: 'file' }));
  const data = await buildRequestData([`@${join(dir, 'body.json')}`, `sectigo_csr=@${join(dir, 'req.pem')}`, 'override=arg', 'at=\\@home'], noStdin);
  t.same(data, { sectigo_csr_key_size: 2048, sectigo_auto_renew: true, override: ['file', 'arg'], sectigo_csr: pem, at: '@home' });
});

t.test('stdin: "-" merges JSON, key=- takes the raw text, and stdin can be used once', async (t) => {
  t.same(await buildRequestData(['-', 'b=2'], async () => '{"a": 1}'), { a: 1, b: '2' });
  t.same(await buildRequestData(['password=-'], async () => 's3cret\n'), { password: 's3cret\n' });
  await t.rejects(buildRequestData(['-', 'x=-'], async () => '{}'), { message: /stdin already consumed/ });
});

t.test('bad arguments are LocalErrors naming the argument', async (t) => {
  await t.rejects(buildRequestData(['novalue'], noStdin), new LocalError('Failed to parse K=V data: invalid key/value pair "novalue": format must be key=value'));
  await t.rejects(buildRequestData(['@/nonexistent/file.json'], noStdin), { message: /error reading file "\/nonexistent\/file.json": ENOENT/ });
  await t.rejects(buildRequestData(['-'], async () => '[1,2]'), { message: /JSON in stdin must be an object/ });
  await t.rejects(buildRequestData(['-'], async () => '{oops'), { message: /invalid JSON in stdin/ });
});

t.test('query parameters repeat array values and stringify the rest', async (t) => {
  const params = toQueryParams({ a: ['1', '2'], b: 3, c: { d: 1 } });
  t.equal(params.toString(), 'a=1&a=2&b=3&c=%7B%22d%22%3A1%7D');
});
