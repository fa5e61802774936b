/**
 * Bad input on every PKI path, generated from the PKI path table: each
 * request carries one bad field value (the wrong JSON type, one character
 * too long, a value outside its enum) or an odd path segment, and must be a
 * 4xx naming it, never a 5xx, with nothing ordered at SCM.
 */
import { t } from '../helpers/suite.js';
import type { FieldSchema } from '../../src/field-schema.js';
import type { Operation } from '../../src/framework/path.js';
import { pkiPaths } from '../../src/vault-pki/paths.js';
import { setUpWithConfigs } from '../helpers/engine-fixture.js';
import { vaultRequest } from '../helpers/vault-api.js';

const METHOD: Record<Operation, string> = { read: 'GET', update: 'POST', list: 'LIST', delete: 'DELETE' };

function wrongValues(field: FieldSchema): unknown[] {
  const types = field.type === undefined ? [] : Array.isArray(field.type) ? field.type : [field.type];
  const values: unknown[] = [];
  if (!types.includes('object')) values.push({ nested: 'object' });
  if (!types.includes('array') && !types.includes('object')) values.push([1]);
  if (types.includes('boolean') && !types.includes('string')) values.push('perhaps');
  if (types.includes('integer') && !types.includes('string')) values.push('0x10', 1.5);
  if (typeof field.maxLength === 'number') values.push('x'.repeat(field.maxLength + 1));
  if (Array.isArray(field.enum)) values.push(typeof field.enum[0] === 'number' ? 12345 : 'not-one-of-them');
  return values;
}

t.test('every PKI path refuses bad input with a 4xx that names it', async (t) => {
  const setup = await setUpWithConfigs(t);
  const pki = (method: string, path: string, body?: unknown) => vaultRequest(setup.server.url, setup.server.token, method, `pki/${path}`, body);
  t.equal((await pki('POST', 'roles/web', { config: 'web', allow_any_name: true })).status, 204);
  await setup.sim.controls.resetCounters();
  const concrete = (pattern: string) => pattern.replace(':role', 'web').replace(':name', 'web').replace(':serial', '01:02').replace(':type', 'internal');

  const failures: string[] = [];
  let sent = 0;
  for (const def of pkiPaths) {
    for (const operation of Object.keys(def.operations) as Operation[]) {
      if (operation !== 'update') continue;
      for (const [name, field] of Object.entries(def.fields)) {
        for (const value of wrongValues(field)) {
          const reply = await pki(METHOD[operation], concrete(def.pattern), { [name]: value });
          sent++;
          const message: string = reply.body?.errors?.join('; ') ?? '';
          if (reply.status >= 500 || reply.status < 400 || (reply.status === 400 && !message.includes(name))) {
            failures.push(`${def.pattern} ${name}=${JSON.stringify(value).slice(0, 30)}: ${reply.status} ${message}`);
          }
        }
      }
    }
    for (const segment of def.pattern.split('/').filter((part) => part.startsWith(':'))) {
      for (const bad of ['..', '%2e%2e', 'a%2Fb', '%ff', 'x'.repeat(200)]) {
        const [operation] = Object.keys(def.operations) as Operation[];
        const reply = await pki(METHOD[operation!], concrete(def.pattern.replace(segment, bad)), operation === 'update' ? {} : undefined);
        sent++;
        if (reply.status >= 500 || reply.status < 400) failures.push(`${def.pattern} ${segment}=${bad.slice(0, 16)}: ${reply.status}`);
      }
    }
  }
  t.ok(sent > 100, `${sent} requests`);
  t.same(failures, [], 'every bad request is a 4xx naming what was wrong');
  const orders = Object.entries(await setup.sim.controls.counters()).filter(([endpoint]) => /enroll|revoke/.test(endpoint));
  t.same(orders, [], 'nothing ordered or revoked at SCM');
});
