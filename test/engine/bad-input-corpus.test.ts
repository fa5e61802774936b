/**
 * The bad-input corpus: requests generated from the engine's path table
 * (every definition, every operation, every field by its declared type), sent
 * over real HTTP to the real server and simulator. A path added to
 * src/engine/paths.ts is covered without touching this file.
 *
 * Each request carries exactly one bad thing, so the answer must be a 4xx
 * whose message names that field (or path segment), never a 5xx, and no
 * order-placing call may reach SCM.
 */
import { t } from '../helpers/suite.js';
import { enginePaths } from '../../src/engine/paths.js';
import type { FieldSchema } from '../../src/field-schema.js';
import type { Operation } from '../../src/framework/path.js';
import { enrollIssued, setUpWithConfigs, sslEnroll, clientEnroll } from '../helpers/engine-fixture.js';

interface Case {
  label: string;
  method: string;
  path: string;
  body?: unknown;
  /** What the error message must mention. */
  names: string;
}

const METHOD: Record<Operation, string> = { read: 'GET', update: 'POST', list: 'GET', delete: 'DELETE' };

function typesOf(field: FieldSchema): string[] {
  return field.type === undefined ? [] : Array.isArray(field.type) ? field.type : [field.type];
}

/** Values a field of this schema must refuse, as JSON (a body) and as text (a query string). */
function badValues(field: FieldSchema): { json: unknown[]; text: string[] } {
  const types = typesOf(field);
  const json: unknown[] = [];
  const text: string[] = [];
  const takes = (type: string) => types.includes(type);
  if (!takes('object')) json.push({ nested: 'object' });
  if (!takes('array') && !takes('object')) json.push([1]);
  if (takes('integer') || takes('number')) {
    if (!takes('string')) {
      json.push(true, 'Infinity', '0x10', '1e3', 'NaN', '', ' 12 34');
      text.push('Infinity', '0x10', '1e3', 'abc', '-', '1_000');
    }
    if (takes('integer') && !takes('number') && !takes('string')) json.push(1.5, 1e308, 2 ** 64);
    if (typeof field.maximum === 'number') json.push(field.maximum + 1), text.push(String(field.maximum + 1));
    if (typeof field.minimum === 'number' && !takes('string')) json.push(field.minimum - 1), text.push(String(field.minimum - 1));
  }
  if (takes('boolean') && !takes('string')) {
    json.push('perhaps', 2, 'yes');
    text.push('perhaps', '2', 'yes');
  }
  if (takes('string')) {
    json.push('a\ud800b', true);
    if (typeof field.maxLength === 'number') {
      json.push('x'.repeat(field.maxLength + 1));
      if (field.maxLength < 2000) text.push('x'.repeat(field.maxLength + 1));
    }
    if (Array.isArray(field.enum)) json.push('not-one-of-them'), text.push('not-one-of-them');
    if (field.format === 'uri') json.push('not a uri'), text.push('not a uri');
    if (field.format === 'email') json.push('no-at-sign'), text.push('no-at-sign');
  }
  if (takes('array')) {
    json.push({ not: 'a list' }, [{ name: '\udc00', value: 1 }], [[[]]]);
    if (field.maxItems !== undefined) json.push(Array.from({ length: Number(field.maxItems) + 1 }, (_, i) => ({ name: `f${i}`, value: i })));
  }
  return { json, text };
}

/** PEM junk for the fields that carry PEM text; each must be refused by the handler, not by SCM. */
const PEM_JUNK = [
  '/etc/ssl/private/key.pem',
  '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----',
  '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----',
  '-----BEGIN CERTIFICATE-----\n' + 'A'.repeat(64) + '\n-----END CERTIFICATE-----',
  '-----BEGIN PRIVATE KEY-----\nMIIB',
  'not pem at all ☃',
];
const PEM_FIELDS = new Set(['sectigo_csr', 'sectigo_private_key', 'sectigo_ca_bundle']);

const ODD_NAMES = ['\ud800', 'x\udfff'];
const BAD_SEGMENTS = ['..%2Fx', '%ED%A0%80', 'a%00b', 'x'.repeat(200), '.hidden', 'caf%C3%A9', '%E0%A4%A'];

t.test('the bad-input corpus: every path family, every field type, odd names, PEM junk, sizes', async (t) => {
  const setup = await setUpWithConfigs(t);
  const ssl = await enrollIssued(setup, 'web', sslEnroll('corpus.example.com'));
  const client = await enrollIssued(setup, 'people', clientEnroll('corpus@example.com'));
  await setup.sim.controls.resetCounters();

  const concrete = (pattern: string, config: 'web' | 'people') =>
    pattern
      .replace(':config', config)
      .replace(':id', config === 'web' ? ssl.cert_unique_id : client.cert_unique_id)
      .replace(':type_id', config === 'web' ? '2001' : '3001');

  const cases: Case[] = [];
  for (const def of enginePaths) {
    for (const operation of Object.keys(def.operations) as Operation[]) {
      const method = METHOD[operation];
      const inBody = operation === 'update';
      for (const config of ['web', 'people'] as const) {
        const path = concrete(def.pattern, config);
        const suffix = operation === 'list' ? '?list=true' : '';
        for (const [name, field] of Object.entries(def.fields)) {
          // Deleting with a valid value would delete the record the rest of the corpus uses.
          const all = badValues(field);
          // The client config family gets one value per field: the types are the same, the handlers differ.
          const { json, text } = config === 'web' ? all : { json: all.json.slice(0, 1), text: all.text.slice(0, 1) };
          if (inBody) {
            for (const value of json) cases.push({ label: `${operation} ${def.pattern} ${name}=${preview(value)}`, method, path, body: { [name]: value }, names: name });
            if (PEM_FIELDS.has(name) && config === 'web') {
              for (const junk of PEM_JUNK) cases.push({ label: `${operation} ${def.pattern} ${name}=PEM junk ${preview(junk)}`, method, path, body: pemBody(def.pattern, name, junk), names: name });
            }
          } else {
            for (const value of text) {
              const query = `${suffix ? `${suffix}&` : '?'}${encodeURIComponent(name)}=${encodeURIComponent(value)}`;
              cases.push({ label: `${operation} ${def.pattern} ?${name}=${preview(value)}`, method, path: `${path}${query}`, names: name });
            }
          }
        }
        if (inBody && config === 'web') {
          for (const odd of ODD_NAMES) cases.push({ label: `${operation} ${def.pattern} field name ${JSON.stringify(odd)}`, method, path, body: { [odd]: true }, names: 'field name' });
          // An odd name beside a bad value: the bad value is still named, whatever the extra keys.
          const [first] = Object.keys(def.fields);
          if (first) {
            const [bad] = badValues(def.fields[first]!).json;
            cases.push({ label: `${operation} ${def.pattern} __proto__ + bad ${first}`, method, path, body: JSON.parse(`{"__proto__": {"polluted": true}, "constructor": 1, ${JSON.stringify(first)}: ${JSON.stringify(bad)}}`), names: first });
          }
        }
      }
      // Path segments: every named segment gets odd spellings.
      for (const segment of def.pattern.split('/').filter((part) => part.startsWith(':'))) {
        for (const bad of BAD_SEGMENTS) {
          const path = concrete(def.pattern.replace(segment, bad), 'web') + (operation === 'list' ? '?list=true' : '');
          cases.push({ label: `${operation} ${def.pattern} ${segment}=${bad.slice(0, 16)}`, method, path, body: inBody ? {} : undefined, names: segment.slice(1) });
        }
      }
    }
  }

  t.ok(cases.length >= 300, `${cases.length} generated requests`);
  const started = performance.now();
  const failures: string[] = [];
  // Four at a time: the server sees concurrent bad input too, and the corpus stays a few seconds.
  const queue = [...cases];
  const worker = async () => {
    for (let item = queue.shift(); item; item = queue.shift()) await check(item);
  };
  const check = async (item: Case) => {
    const reply = await setup.call(item.method, item.path, item.body);
    const errors: string[] = reply.body?.errors ?? [];
    const message = errors.join('; ');
    if (reply.status >= 500) failures.push(`${item.label}: ${reply.status} ${message}`);
    else if (reply.status < 400) failures.push(`${item.label}: accepted (${reply.status})`);
    else if (reply.status === 400 && !message.includes(item.names)) failures.push(`${item.label}: 400 does not name ${item.names}: ${message}`);
    else if (reply.status !== 400 && reply.status !== 404) failures.push(`${item.label}: ${reply.status} ${message}`);
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  t.same(failures, [], 'every bad request is a 4xx naming what was wrong');
  t.comment(`${cases.length} requests in ${Math.round(performance.now() - started)} ms`);

  const counters = await setup.sim.controls.counters();
  const orders = Object.entries(counters).filter(([endpoint, count]) => /enroll|renew|replace|revoke/i.test(endpoint) && count > 0);
  t.same(orders, [], 'no bad request placed, renewed, replaced or revoked anything at SCM');

  const after = await setup.call('GET', `readcert/web/${ssl.cert_unique_id}`);
  t.equal(after.body.data.state.at(-1).status, 'Issued', 'the record the corpus aimed at is untouched');
});

t.test('every string field of the path table is bounded', async (t) => {
  const unbounded: string[] = [];
  for (const def of enginePaths) {
    for (const [name, field] of Object.entries(def.fields)) {
      if (typesOf(field).includes('string') && field.maxLength === undefined && field.enum === undefined) unbounded.push(`${def.pattern} ${name}`);
    }
  }
  t.same(unbounded, [], 'a string field without maxLength or enum reaches its handler at any size up to the body limit');
});

/** PEM junk alone, or beside what makes the path use it (a CSR needs no domain; a key on fetch needs nothing). */
function pemBody(pattern: string, name: string, junk: string): Record<string, unknown> {
  if (pattern.startsWith('configs/')) return { [name]: junk };
  return { [name]: junk, ...(name === 'sectigo_private_key' && pattern.startsWith('enroll/') ? { sectigo_csr_domain: 'junk.example.com' } : {}) };
}

function preview(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 24 ? `${text.slice(0, 24)}…(${text.length})` : text;
}
