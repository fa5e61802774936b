/**
 * reports/expiring end to end: real records (enrolled at the simulator, their
 * expiry moved at SCM and synced), and the report's numbers checked against
 * the records themselves.
 */
import { t } from '../helpers/suite.js';
import { parseCertificate } from '../../src/pki/index.js';
import { FAST, clientEnroll, enrollIssued, setUpWithConfigs, sslEnroll } from '../helpers/engine-fixture.js';

const setup = await setUpWithConfigs(t);
const { call, sim } = setup;

/** Enrolls and, when `days` is given, has SCM re-issue the certificate to expire then, synced into the record. */
async function certificate(domain: string, days?: number, extra: Record<string, unknown> = {}) {
  const record = await enrollIssued(setup, 'web', { ...sslEnroll(domain), ...extra });
  if (days === undefined) return record;
  await sim.controls.expireSsl(record.ssl_id, days);
  const synced = await call('POST', `sync/web/${record.cert_unique_id}`, {});
  if (synced.status !== 200) throw new Error(JSON.stringify(synced.body));
  return synced.body.data;
}

const soon = await certificate('soon.example.com', 5, { sectigo_auto_renew: true, sectigo_expiry_window: 1, sectigo_ssl_cert_subject_alt_names: 'www.soon.example.com' });
const expired = await certificate('expired.example.com', -2);
const later = await certificate('later.example.com');
const revoked = await certificate('revoked.example.com', 3);
if ((await call('POST', `revoke/web/${revoked.cert_unique_id}`, {})).status !== 200) throw new Error('revoke failed');
const person = await enrollIssued(setup, 'people', clientEnroll('jane@example.com'));

t.test('within=30d: the certificates expiring soon, soonest first, each as its record says', async (t) => {
  const reply = await call('GET', 'reports/expiring?within=30d');
  t.equal(reply.status, 200, JSON.stringify(reply.body?.errors));
  const report = reply.body.data;
  t.same(report.certificates.map((c: { id: string }) => c.id), [expired.cert_unique_id, soon.cert_unique_id], 'revoked and far-off ones are left out');
  t.match(report, { count: 2, expired: 1, auto_renew: 1, renewal_in_flight: 0, with_errors: 0 });
  for (const entry of report.certificates) {
    const record = (await call('GET', `readcert/web/${entry.id}`)).body.data;
    t.same(entry, {
      id: record.cert_unique_id,
      config: 'web',
      domain: record.domain,
      sans: parseCertificate(record.leaf_certificate).subjectAltNames,
      status: record.state.at(-1).status,
      not_after: record.not_after,
      days_left: Math.floor((Date.parse(record.not_after) - Date.parse(report.generated_at)) / 86_400_000),
      auto_renew: record.auto_renew,
      renewal_in_flight: false,
      renewal_id: null,
      imported: false,
      last_error: record.last_error,
    });
  }
  t.ok(report.certificates[1].sans.includes('www.soon.example.com'));
  t.ok(report.certificates[0].days_left < 0 && report.certificates[1].days_left === 4, 'days left as LIST counts them');
});

t.test('config, state and a wider window filter; bad input is a 400 naming the field', async (t) => {
  const all = (await call('GET', 'reports/expiring?within=800d')).body.data;
  t.same(new Set(all.certificates.map((c: { id: string }) => c.id)), new Set([expired, soon, later, person].map((r) => r.cert_unique_id)));
  t.same(all.certificates.find((c: { id: string }) => c.id === person.cert_unique_id).config, 'people');
  const people = (await call('GET', 'reports/expiring?within=800d&config=people')).body.data;
  t.same(people.certificates.map((c: { id: string }) => c.id), [person.cert_unique_id]);
  const onlyRevoked = (await call('GET', 'reports/expiring?state=Revoked')).body.data;
  t.same(onlyRevoked.certificates.map((c: { id: string }) => c.id), [revoked.cert_unique_id]);
  const none = (await call('GET', 'reports/expiring?within=1h&config=people')).body.data;
  t.same({ count: none.count, certificates: none.certificates }, { count: 0, certificates: [] });

  const bad = await call('GET', 'reports/expiring?within=soon');
  t.equal(bad.status, 400);
  t.match(bad.body.errors[0], /^within: "soon" is not a duration/);
  const badConfig = await call('GET', 'reports/expiring?config=../x');
  t.equal(badConfig.status, 400);
  t.match(badConfig.body.errors[0], /^config:/);
});

t.test('a renewal SCM has not issued yet is shown as in flight on the certificate still in use', async (t) => {
  await sim.controls.updateSettings({ issueDelayMs: 60_000 });
  t.teardown(() => sim.controls.updateSettings({ issueDelayMs: 200 }));
  const renewal = await call('POST', `renew/web/${soon.cert_unique_id}`, { ...FAST, sectigo_max_timeout: 0 });
  t.equal(renewal.status, 200, JSON.stringify(renewal.body?.errors));
  const newId = renewal.body.data.cert_unique_id;
  const report = (await call('GET', 'reports/expiring?within=30d')).body.data;
  const entry = report.certificates.find((c: { id: string }) => c.id === soon.cert_unique_id);
  t.match(entry, { status: 'Renewed', renewal_in_flight: true, renewal_id: newId });
  t.equal(report.renewal_in_flight, 1);
  t.notOk(report.certificates.some((c: { id: string }) => c.id === newId), 'the pending renewal has no expiry yet');
});
