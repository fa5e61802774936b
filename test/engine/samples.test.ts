/**
 * Every file in sample_json_data/ works as shipped: the configs (pointed at
 * this test's simulator instead of the dev address), then enroll, read,
 * profile, replace, renew, fetch and revoke with the files as they are.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { t } from '../helpers/suite.js';
import { certificateMatchesKey } from '../../src/pki/index.js';
import { setUp, type Setup } from '../helpers/engine-fixture.js';

const SAMPLES = new URL('../../sample_json_data/', import.meta.url).pathname;

async function sample(family: string, suffix: string, used: Set<string>): Promise<Record<string, unknown>> {
  const file = join(family, `${family}${suffix}.json`);
  used.add(file);
  return JSON.parse(await readFile(join(SAMPLES, file), 'utf8'));
}

async function ok(setup: Setup, method: string, path: string, body?: unknown): Promise<any> {
  const reply = await setup.call(method, path, body);
  if (reply.status >= 300) throw new Error(`${method} ${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

t.test('the sample JSON files work as shipped', async (t) => {
  // Issued at the first collect, so the samples' 5 s loop period never waits.
  const setup = await setUp(t, { issueDelayMs: 0 });
  const used = new Set<string>();

  for (const [family, config, typeField] of [
    ['ssl_cert', 'demo', 'sectigo_ssl_cert_type'],
    ['client_cert', 'demo-client', 'sectigo_client_cert_type'],
  ] as const) {
    t.test(family, async (t) => {
      const { sectigo_cm_base_url: devAddress, ...connection } = await sample(family, '_config', used);
      t.match(devAddress, /^http:\/\/127\.0\.0\.1:8201$/, 'the config file points at the dev-mode simulator');
      await ok(setup, 'POST', `configs/${config}`, { ...connection, sectigo_cm_base_url: setup.sim.url });

      const enroll = await sample(family, '', used);
      const enrolled = (await ok(setup, 'POST', `enroll/${config}`, enroll)).data;
      t.equal(enrolled.state.at(-1).status, 'Issued');
      t.match(await setup.verify(enrolled.leaf_certificate), /OK$/);
      const id = enrolled.cert_unique_id;
      t.equal((await ok(setup, 'GET', `certs/${config}/${id}`)).data.serial_number, enrolled.serial_number, 'read');

      const profileId = enroll[typeField];
      const profile = (await ok(setup, 'POST', `profile/${config}/${profileId}`, await sample(family, '_profile', used))).data;
      t.equal(profile.id, profileId, 'profile of the enroll file\'s cert type');

      const replaced = (await ok(setup, 'POST', `replace/${config}/${id}`, await sample(family, '_replace', used))).data;
      t.equal(replaced.state.at(-1).status, 'Issued', 'replaced and collected');
      t.not(replaced.private_key, enrolled.private_key);
      t.ok(certificateMatchesKey(replaced.leaf_certificate, replaced.private_key));

      const renewed = (await ok(setup, 'POST', `renew/${config}/${id}`, await sample(family, '_renew', used))).data;
      t.equal(renewed.renewed_from, id);
      t.equal(renewed.state.at(-1).status, 'Issued');
      t.match(await setup.verify(renewed.leaf_certificate), /OK$/);

      // Forget the renewed certificate locally, then import it back from SCM.
      await ok(setup, 'DELETE', `certs/${config}/${renewed.cert_unique_id}`);
      const fetched = (await ok(setup, 'POST', `fetch/${config}/${renewed.cert_unique_id}`, await sample(family, '_fetch', used))).data;
      t.equal(fetched.serial_number, renewed.serial_number, 'fetched from SCM');

      const revoked = (await ok(setup, 'POST', `revoke/${config}/${renewed.cert_unique_id}`, await sample(family, '_revoke', used))).data;
      t.equal(revoked.state.at(-1).status, 'Revoked');
    });
  }

  t.test('no sample file is left untested', async (t) => {
    const shipped: string[] = [];
    for (const family of await readdir(SAMPLES)) {
      for (const file of await readdir(join(SAMPLES, family))) shipped.push(join(family, file));
    }
    t.same(shipped.sort(), [...used].sort());
  });
});
