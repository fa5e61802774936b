import { t } from '../helpers/suite.js';
import { enrollCertificate } from '../../src/lifecycle/enroll.js';
import { layout } from '../../src/storage/layout.js';
import { startHarness } from '../helpers/lifecycle-harness.js';
import { watchStorage } from '../helpers/storage-spy.js';
import { writeSyntheticRecords } from '../helpers/synthetic-records.js';

const h = await startHarness({ issueDelayMs: 0 });
t.teardown(() => h.close());
const lc = () => h.running.lifecycle;
const { record: template } = await enrollCertificate(lc(), 'web', { sectigo_csr_domain: 'template.example.com', sectigo_csr_key_algo: 'EC', sectigo_csr_key_size: 'P-256' });

/** The certificate records (not index entries) the storage reads while `work` runs. */
async function recordReadsDuring(work: () => Promise<unknown>): Promise<string[]> {
  const reads: string[] = [];
  await watchStorage(h.storage, 'get', (key) => key.startsWith(layout.recordConfigs) && reads.push(key), work);
  return reads;
}

t.test('background passes read only the records that are due, not the estate', async (t) => {
  await writeSyntheticRecords(lc().records, template, 2_000, { status: 'Issued', autoRenew: true, daysLeft: () => 300 });
  const idle = await recordReadsDuring(async () => {
    await h.running.collector.runOnce();
    await h.running.renewer.runOnce();
  });
  t.same(idle, [], 'nothing due: no record read');

  const due = await writeSyntheticRecords(lc().records, template, 3, { status: 'Issued', autoRenew: true, daysLeft: () => 5, from: 5_000 });
  const reads = await recordReadsDuring(() => h.running.renewer.runOnce());
  t.same([...new Set(reads)].sort(), due.map((id) => layout.record('web', id)), 'the renewer read the three records in their window');
  const later = await recordReadsDuring(() => h.running.renewer.runOnce());
  t.same(later, [], 'a failed renewal waits for its retry time instead of being read every pass');
});

t.test('a background pass stops within a second of stop(), thousands of records from its end', async (t) => {
  await writeSyntheticRecords(lc().records, template, 3_000, { status: 'Applied', from: 10_000 });
  await h.sim.controls.resetCounters();
  const pass = h.running.collector.runOnce();
  const collects = async () => (await h.sim.controls.counters()).collect ?? 0;
  while ((await collects()) < 20) await new Promise((resolve) => setTimeout(resolve, 20));
  const asked = Date.now();
  await h.running.collector.stop();
  const stoppedAfterMs = Date.now() - asked;
  await pass;
  t.ok(stoppedAfterMs < 1_000, `stopped after ${stoppedAfterMs} ms`);
  const atStop = await collects();
  t.ok(atStop < 3_000, `the pass did not run to its end (${atStop} of 3000 collected)`);
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.equal(await collects(), atStop, 'and nothing more was asked of SCM');
});
