/**
 * The "Trust" issue's bad input, each case over real HTTP: what used to reach
 * SCM or answer 500 is a 400 naming the field, fields the engine does not
 * know are named back in Vault's warning, and a proxy password is write-only.
 */
import { t } from '../helpers/suite.js';
import { FAST, enrollIssued, setUpWithConfigs, sslEnroll } from '../helpers/engine-fixture.js';
import { simulatorConnection } from '../helpers/scm-connection.js';

const setup = await setUpWithConfigs(t);
const issued = await enrollIssued(setup, 'web', sslEnroll('fields.example.com'));

t.test('values that used to reach SCM or answer 500 are 400s naming the field; SCM sees no order', async (t) => {
  await setup.sim.controls.resetCounters();
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ sectigo_csr_domain: 'a\ud800.example.com' }, /^sectigo_csr_domain: contains a lone UTF-16 surrogate/],
    [{ sectigo_csr_organization: '\udfffOrg' }, /^sectigo_csr_organization: contains a lone UTF-16 surrogate/],
    [{ sectigo_ssl_cert_custom_fields: [{ name: 'x', value: '\ud83d' }] }, /^sectigo_ssl_cert_custom_fields\.0\.value: contains a lone UTF-16 surrogate/],
    [{ sectigo_cm_org_id: 'Infinity' }, /^sectigo_cm_org_id: must be a decimal integer, not "Infinity"/],
    [{ sectigo_ssl_cert_type: 1e308 }, /^sectigo_ssl_cert_type: must be <= 2147483647/],
    [{ sectigo_ssl_cert_type: 2 ** 64 }, /^sectigo_ssl_cert_type: must be <= 2147483647/],
    [{ sectigo_cm_org_id: 2 ** 31 }, /^sectigo_cm_org_id: must be <= 2147483647/],
    [{ sectigo_ssl_cert_type: '0x10' }, /^sectigo_ssl_cert_type: must be a decimal integer, not "0x10"/],
    [{ sectigo_ssl_cert_type: true }, /^sectigo_ssl_cert_type: must be integer/],
    [{ sectigo_ssl_cert_type: [1] }, /^sectigo_ssl_cert_type: must be integer/],
    [{ sectigo_ssl_cert_validity: '1e3' }, /^sectigo_ssl_cert_validity: must be a decimal integer/],
  ];
  for (const [fields, expected] of cases) {
    const reply = await setup.call('POST', 'enroll/web', { ...sslEnroll('fields.example.com'), ...fields });
    t.equal(reply.status, 400, JSON.stringify(fields));
    t.match(reply.body.errors[0], expected);
  }
  t.notOk((await setup.sim.controls.counters()).enroll, 'nothing was ordered');
  const decimal = await setup.call('POST', 'configs/web', { sectigo_cm_org_id: ` ${setup.sim.orgId} ` });
  t.equal(decimal.status, 204, 'decimal text (the CLI\'s k=v) is still a number');
});

t.test('EC without a size (or with null) is P-256, not a complaint about "2048"', async (t) => {
  for (const size of [null, undefined, '']) {
    const record = await enrollIssued(setup, 'web', { sectigo_csr_domain: 'ec.example.com', sectigo_csr_key_algo: 'EC', sectigo_csr_key_size: size });
    t.match(record.private_key, /BEGIN (EC )?PRIVATE KEY/, `size ${JSON.stringify(size)}`);
  }
  const bad = await setup.call('POST', 'enroll/web', { sectigo_csr_domain: 'ec.example.com', sectigo_csr_key_algo: 'EC', sectigo_csr_key_size: 'P999' });
  t.equal(bad.status, 400);
  t.match(bad.body.errors[0], /^sectigo_csr_key_size: "P999" is not a supported EC curve/);
});

t.test('unknown fields are named in Vault\'s warning on enroll, renew, sync, fetch and reads', async (t) => {
  const warning = (reply: { body: any }) => (reply.body?.warnings ?? []).find((w: string) => w.startsWith('Endpoint ignored'));
  const enrolled = await setup.call('POST', 'enroll/web', { ...sslEnroll('typo.example.com'), ...FAST, sectigo_auto_renwe: true, zzz: 1 });
  t.equal(enrolled.status, 200);
  t.equal(warning(enrolled), 'Endpoint ignored these unrecognized parameters: [sectigo_auto_renwe zzz]');
  t.equal(enrolled.body.data.auto_renew, false, 'the typo did not turn auto-renew on');
  const id = enrolled.body.data.cert_unique_id;

  const synced = await setup.call('POST', `sync/web/${id}`, { sectigo_auto_renwe: true });
  t.equal(warning(synced), 'Endpoint ignored these unrecognized parameters: [sectigo_auto_renwe]', 'sync');
  const fetched = await setup.call('POST', `fetch/web/${id}`, { sectigo_auto_renwe: true });
  t.equal(warning(fetched), 'Endpoint ignored these unrecognized parameters: [sectigo_auto_renwe]', 'fetch');
  const read = await setup.call('GET', `certs/web/${id}?sectigo_auto_renwe=true`);
  t.equal(warning(read), 'Endpoint ignored these unrecognized parameters: [sectigo_auto_renwe]', 'read');
  const renewed = await setup.call('POST', `renew/web/${id}`, { ...FAST, sectigo_auto_renwe: true });
  t.equal(renewed.status, 200);
  t.equal(warning(renewed), 'Endpoint ignored these unrecognized parameters: [sectigo_auto_renwe]', 'renew');

  const config = await setup.call('POST', 'configs/web', { not_a_sectigo_field: 1 });
  t.equal(warning(config), 'Endpoint ignored these unrecognized parameters: [not_a_sectigo_field]', 'configs keep sectigo_* extras and name the rest');
});

t.test('fetch of a stored id checks sectigo_private_key', async (t) => {
  const garbage = await setup.call('POST', `fetch/web/${issued.cert_unique_id}`, { sectigo_private_key: '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----' });
  t.equal(garbage.status, 400);
  t.match(garbage.body.errors[0], /^sectigo_private_key: /);

  const other = await enrollIssued(setup, 'web', sslEnroll('other.example.com'));
  const mismatch = await setup.call('POST', `fetch/web/${issued.cert_unique_id}`, { sectigo_private_key: other.private_key });
  t.equal(mismatch.status, 400);
  t.match(mismatch.body.errors[0], /^sectigo_private_key: does not match the certificate stored as/);

  const own = await setup.call('POST', `fetch/web/${issued.cert_unique_id}`, { sectigo_private_key: issued.private_key });
  t.equal(own.status, 200, 'its own key is fine');
});

t.test('proxy credentials are write-only: redacted on read, kept when the URL is written back', async (t) => {
  const connection = { ...simulatorConnection(setup.sim), sectigo_config_type: 'ssl_cert' };
  t.equal((await setup.call('POST', 'configs/proxied', { ...connection, sectigo_proxy_url: 'http://squid:s3cret-pw@proxy.internal:3128' })).status, 204);
  const read = await setup.call('GET', 'configs/proxied');
  t.equal(read.body.data.sectigo_proxy_url, 'http://squid@proxy.internal:3128/');
  t.equal(read.body.data.sectigo_proxy_password_set, true);
  t.notMatch(JSON.stringify(read.body), /s3cret-pw/);

  t.equal((await setup.call('POST', 'configs/proxied', { sectigo_proxy_url: read.body.data.sectigo_proxy_url })).status, 204, 'written back as read');
  t.equal((await setup.call('GET', 'configs/proxied')).body.data.sectigo_proxy_password_set, true, 'the password was kept');

  t.equal((await setup.call('POST', 'configs/proxied', { sectigo_proxy_url: 'http://other@proxy.internal:3128' })).status, 204);
  t.equal((await setup.call('GET', 'configs/proxied')).body.data.sectigo_proxy_password_set, false, 'another user does not inherit it');

  const badScheme = await setup.call('POST', 'configs/proxied', { sectigo_proxy_url: 'socks5://proxy.internal:1080' });
  t.equal(badScheme.status, 400);
  t.match(badScheme.body.errors[0], /^sectigo_proxy_url: must be an http/);
});
