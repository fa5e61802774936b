import { t } from '../helpers/suite.js';
import { enrollCertificate } from '../../src/lifecycle/enroll.js';
import { countEstate, type EstateCounts } from '../../src/lifecycle/estate.js';
import { expiryReport, type ExpiryReport } from '../../src/lifecycle/expiry-report.js';
import { layout } from '../../src/storage/layout.js';
import { startHarness } from '../helpers/lifecycle-harness.js';
import { watchStorage } from '../helpers/storage-spy.js';
import { writeSyntheticRecords } from '../helpers/synthetic-records.js';

const h = await startHarness({ issueDelayMs: 0 });
t.teardown(() => h.close());
const lc = () => h.running.lifecycle;

t.test('the estate is counted from the index alone: states per config, expiring, expired, due work', async (t) => {
  const { record: template } = await enrollCertificate(lc(), 'web', { sectigo_csr_domain: 'estate.example.com', sectigo_csr_key_algo: 'EC', sectigo_csr_key_size: 'P-256' });
  const DAYS = [3, 20, -2, 300];
  await writeSyntheticRecords(lc().records, template, 1_000, { status: 'Issued', daysLeft: (i) => DAYS[i % 4]! });
  await writeSyntheticRecords(lc().records, template, 10, { status: 'Applied', from: 5_000 });

  const sealedReads: string[] = [];
  let counts: EstateCounts | undefined;
  await watchStorage(h.storage, 'get', (key) => sealedReads.push(key), async () => {
    counts = await countEstate(lc().records, Date.now());
  });
  if (!counts) throw new Error('no counts');
  t.same(sealedReads.filter((key) => key.startsWith(layout.recordConfigs)), [], 'no record was read (or decrypted)');
  t.same(Object.fromEntries(counts.byState.get('web')!), { Issued: 1_001, Applied: 10 });
  t.same(Object.fromEntries(counts.expiring.get('web')!), { 7: 250, 30: 500 }, 'the template has a year left');
  t.equal(counts.expired.get('web'), 250);
  t.same(counts.due, { collect: 10, renew: 0 });
  t.notOk(counts.byState.has('people'), 'a config without records has no counts');
});

t.test('the expiry report is served from the index alone', async (t) => {
  const sealedReads: string[] = [];
  let report: ExpiryReport | undefined;
  await watchStorage(h.storage, 'get', (key) => sealedReads.push(key), async () => {
    report = await expiryReport(lc(), { withinMs: 30 * 86_400_000, config: 'web' });
  });
  if (!report) throw new Error('no report');
  t.same(sealedReads.filter((key) => key.startsWith(layout.recordConfigs)), [], 'no record was read (or decrypted)');
  // Of the 1,000 issued copies: 250 with 3 days left, 250 with 20, 250 expired.
  t.equal(report.count, 750);
  t.equal(report.expired, 250);
  t.ok(report.certificates.every((c) => c.config === 'web' && c.days_left <= 30));
});
