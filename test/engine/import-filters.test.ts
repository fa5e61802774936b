/**
 * import/<config> filters, and fetch attaching a key to an imported record,
 * over a small seeded SCM account.
 */
import { t } from '../helpers/suite.js';
import { CLIENT_CONFIG, SSL_CONFIG, clientEnroll, enrollIssued, setUp, sslEnroll } from '../helpers/engine-fixture.js';
import { runImport } from '../helpers/import-job.js';

const SEEDED = 200;
const setup = await setUp(t);
const { call, sim } = setup;
for (const name of ['web', 'other', 'filtered']) await setup.writeConfig(name, SSL_CONFIG);
const held = await enrollIssued(setup, 'web', sslEnroll('held.example.com'));
await sim.controls.seedSsl(SEEDED, { days: 10, spreadDays: 60 });

const importAll = (config: string, filters: Record<string, unknown> = {}) => runImport(call, config, filters);

t.test('filters: common name pattern, status, expiry; bad ones are 400s naming the field', async (t) => {
  await sim.controls.resetCounters();
  const byName = await importAll('filtered', { common_name: 'SEEDED-1*.example.com', status: 'issued' });
  // seeded-1, seeded-10…19, seeded-100…199.
  const keys = (await call('LIST', 'certs/filtered')).body.data.keys as string[];
  t.match(byName, { created: 111, listed: SEEDED + 1, skipped: SEEDED + 1 - 111 });
  t.equal(keys.length, 111);
  t.same(byName.filters, { common_name: 'SEEDED-1*.example.com', status: 'issued' }, 'the job shows its filters as given');
  t.same(await sim.controls.counters(), { list: 2, details: 111 }, 'one status listed; names filtered before any lookup');

  // Certificate n expires in 10 + n % 60 days (SCM says the day): before the cutoff are those with n % 60 <= 4.
  const cutoff = new Date(Date.now() + 15 * 86_400_000).toISOString();
  const soon = await importAll('other', { expiring_before: cutoff });
  const expected = Array.from({ length: SEEDED }, (_, n) => n).filter((n) => n % 60 <= 4).length;
  t.equal(soon.created, expected, `${expected} expire within 15 days`);
  const report = (await call('GET', 'reports/expiring?within=15d&config=other')).body.data;
  t.equal(report.count, soon.created, 'the expiry report sees the imported certificates');
  t.ok(report.certificates.every((c: { imported: boolean; not_after: string }) => c.imported && c.not_after < cutoff));

  for (const [field, value, message] of [
    ['status', 'Pending', /^status: "Pending" is not one of Issued, Expired, Revoked/],
    ['expiring_before', 'soon', /^expiring_before: "soon" is not a date/],
  ] as const) {
    const bad = await call('POST', 'import/web', { [field]: value });
    t.equal(bad.status, 400, field);
    t.match(bad.body.errors[0], message);
  }
  t.equal((await call('POST', 'import/nosuch', {})).status, 404);
  t.equal((await call('GET', 'import/nosuch')).status, 404);
});

t.test('fetch with the private key attaches it to an imported record after the match check', async (t) => {
  // `held` belongs to config web; config other imported it as a certificate it does not hold.
  const id = held.cert_unique_id;
  t.equal((await importAll('other', { common_name: 'held.example.com' })).created, 1);
  const stranger = (await enrollIssued(setup, 'filtered', sslEnroll('stranger.example.com'))).private_key;
  const wrong = await call('POST', `fetch/other/${id}`, { sectigo_private_key: stranger });
  t.equal(wrong.status, 400);
  t.match(wrong.body.errors[0], /sectigo_private_key: does not match the certificate SCM holds/);
  t.equal((await call('GET', `readcert/other/${id}`)).body.data.private_key, '', 'nothing was stored');

  const attached = await call('POST', `fetch/other/${id}`, { sectigo_private_key: held.private_key });
  t.equal(attached.status, 200, JSON.stringify(attached.body.errors));
  t.match(attached.body.warnings[0], /attached to the imported certificate/);
  const record = attached.body.data;
  t.equal(record.private_key, held.private_key);
  t.equal(record.leaf_certificate, held.leaf_certificate);
  t.equal(record.imported, true);
  t.equal(record.state.at(-1).status, 'Issued');
});

t.test('a client config imports S/MIME certificates from the list alone', async (t) => {
  for (const name of ['people', 'people-import']) await setup.writeConfig(name, CLIENT_CONFIG);
  const enrolled = await enrollIssued(setup, 'people', clientEnroll('jane.import@example.com'));
  await sim.controls.resetCounters();
  const job = await importAll('people-import', { common_name: 'jane.import@*' });
  t.match(job, { state: 'done', created: 1, failed: 0 });
  t.same(Object.keys(await sim.controls.counters()), ['smime.list'], 'no lookup beyond the list');
  const record = (await call('GET', `readcert/people-import/${enrolled.cert_unique_id}`)).body.data;
  t.match(record, { imported: true, domain: 'jane.import@example.com', serial_number: enrolled.serial_number, backend_cert_id: enrolled.backend_cert_id });
  t.equal(record.renew_id, enrolled.backend_cert_id, 'renew_id: the backendCertId SCM renews by');
  t.equal(record.not_after.slice(0, 10), enrolled.not_after.slice(0, 10), 'expiry as SCM lists it (the day)');
  t.equal((await importAll('people-import', { common_name: 'jane.import@*' })).unchanged, 1);
});
