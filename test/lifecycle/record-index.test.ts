import { t } from '../helpers/suite.js';
import { enrollCertificate } from '../../src/lifecycle/enroll.js';
import { renewalDueAt, serialHex } from '../../src/lifecycle/record-index.js';
import type { CertificateRecord } from '../../src/lifecycle/record.js';
import { layout } from '../../src/storage/layout.js';
import type { BatchOp } from '../../src/storage/storage.js';
import { startHarness } from '../helpers/lifecycle-harness.js';
import { watchStorage } from '../helpers/storage-spy.js';

const h = await startHarness({ issueDelayMs: 0 });
t.teardown(() => h.close());
const lc = () => h.running.lifecycle;

/** Every batch the storage writes while `work` runs. */
async function batchesDuring(work: () => Promise<unknown>): Promise<BatchOp[][]> {
  const batches: BatchOp[][] = [];
  await watchStorage(h.storage, 'batch', (ops) => batches.push(ops), work);
  return batches;
}

t.test('every batch that writes a record writes its summary and due entries with it', async (t) => {
  let enrolled: CertificateRecord | undefined;
  const batches = await batchesDuring(async () => {
    ({ record: enrolled } = await enrollCertificate(lc(), 'web', { sectigo_csr_domain: 'indexed.example.com', sectigo_auto_renew: true }));
  });
  const id = enrolled!.cert_unique_id;
  const recordBatches = batches.filter((ops) => ops.some((op) => op.type === 'put' && op.key === layout.record('web', id)));
  t.ok(recordBatches.length >= 2, 'the Applied record and the Issued one were written');
  for (const ops of recordBatches) {
    const record = ops.find((op) => op.key === layout.record('web', id)) as { value: CertificateRecord };
    const summary = ops.find((op) => op.type === 'putClear' && op.key === layout.recordSummary('web', id)) as { value: { status: string } } | undefined;
    const due = ops.find((op) => op.type === 'putClear' && op.key === layout.recordDue('web', id)) as { value: string[] } | undefined;
    t.ok(summary, 'the summary is in the record\'s batch');
    t.ok(due, 'so is the list of its index keys');
    t.equal(summary?.value.status, record.value.state.at(-1)?.status, 'the summary says the state written');
    for (const key of due?.value ?? []) t.ok(ops.some((op) => op.type === 'putClear' && op.key === key), `${key} is in the same batch`);
  }
  t.match(await lc().records.summary('web', id), { domain: 'indexed.example.com', status: 'Issued', not_after: enrolled!.not_after });
  const keys = await lc().records.indexKeys('web', id);
  t.ok(keys.includes(layout.serial(serialHex(enrolled!.serial_number)!)), 'the serial index names the issued record');
  t.same(await lc().records.bySerial(enrolled!.serial_number), enrolled, 'and finds it');
  const due = keys.filter((key) => key.startsWith('index/due/'));
  t.same(
    due.map((key) => key.split('/')[2]),
    ['renew', 'sync'],
    'an issued auto-renew record is due for renewal and sync, no longer for collect',
  );
  t.ok(due[0]?.includes(String(renewalDueAt(enrolled!)).padStart(15, '0')), 'renewal is due when its window opens');
});

t.test('a pending record is due for collect at once; deleting a record removes its index entries', async (t) => {
  await h.sim.controls.updateSettings({ issueDelayMs: 60_000 });
  t.teardown(() => h.sim.controls.updateSettings({ issueDelayMs: 0 }));
  const { record } = await enrollCertificate(lc(), 'web', { sectigo_csr_domain: 'pending.example.com', sectigo_max_timeout: 0 });
  const id = record.cert_unique_id;
  const due = [];
  for await (const entry of lc().records.due('collect', Date.now())) due.push(entry.id);
  t.ok(due.includes(id), 'the collector will find it');
  const dueKeys = await lc().records.indexKeys('web', id);
  await lc().records.delete('web', id);
  t.equal(await lc().records.summary('web', id), undefined);
  t.same(await lc().records.indexKeys('web', id), []);
  for (const key of dueKeys) t.equal(await h.storage.getClear(key), undefined, `${key} is gone`);
});

t.test('a store written before the index existed is indexed once at start', async (t) => {
  const { record } = await enrollCertificate(lc(), 'web', { sectigo_csr_domain: 'legacy.example.com' });
  const id = record.cert_unique_id;
  const dueKeys = await lc().records.indexKeys('web', id);
  // What an older version left behind: the record, no index entries, no index version.
  await h.storage.batch([
    { type: 'del', key: layout.recordSummary('web', id) },
    { type: 'del', key: layout.recordDue('web', id) },
    ...dueKeys.map((key) => ({ type: 'del' as const, key })),
    { type: 'del', key: layout.indexVersion },
  ]);
  await h.restart();
  t.match(await lc().records.summary('web', id), { domain: 'legacy.example.com', status: 'Issued' });
  t.equal(await lc().records.ensureIndexed(), 0, 'a second start has nothing to do');
});

t.test('summaries written by index version 1 (domain, status, not_after) are rebuilt with what the report needs', async (t) => {
  const { record } = await enrollCertificate(lc(), 'web', {
    sectigo_csr_domain: 'v1.example.com',
    sectigo_ssl_cert_subject_alt_names: 'www.v1.example.com',
    sectigo_auto_renew: true,
  });
  const id = record.cert_unique_id;
  await h.storage.batch([
    { type: 'putClear', key: layout.recordSummary('web', id), value: { domain: 'v1.example.com', status: 'Issued', not_after: record.not_after } },
    { type: 'putClear', key: layout.indexVersion, value: 1 },
  ]);
  await h.restart();
  t.same(await lc().records.summary('web', id), {
    domain: 'v1.example.com',
    status: 'Issued',
    sans: ['v1.example.com', 'www.v1.example.com'],
    auto_renew: true,
    renewing: false,
    renewed_to: null,
    imported: false,
    last_error: null,
    serial: record.serial_number,
    not_after: record.not_after,
  });
});

t.test('idempotency entries are swept through their expiry index', async (t) => {
  const { idempotency } = lc();
  await lc().batch(idempotency.orderingOps('web', 'a'.repeat(64), 'p1'));
  await lc().batch(idempotency.orderingOps('web', 'b'.repeat(64), 'p2'));
  const dayAndMore = Date.now() + 25 * 60 * 60 * 1000;
  t.equal(await idempotency.sweep(Date.now()), 0, 'nothing has expired yet');
  t.ok(await idempotency.find('web', 'a'.repeat(64)));
  t.equal(await idempotency.sweep(dayAndMore), 2, 'both expire after 24 h');
  t.equal(await h.storage.get(layout.idempotency('web', 'a'.repeat(64))), undefined);
  const left = [];
  for await (const entry of h.storage.range({ gte: layout.idempotencyExpiries, lt: layout.idempotencyExpiredBefore(dayAndMore) })) left.push(entry);
  t.same(left, [], 'the expiry entries went with them');
});

t.test('the CA chain is stored once for every record it issued, and every read gets it whole', async (t) => {
  const first = (await enrollCertificate(lc(), 'web', { sectigo_csr_domain: 'chain-a.example.com' })).record;
  const second = (await enrollCertificate(lc(), 'web', { sectigo_csr_domain: 'chain-b.example.com' })).record;
  t.ok(first.ca_chain.length >= 1, 'the answer carries the chain');
  const stored = await Promise.all([first, second].map((r) => h.storage.get<Record<string, unknown>>(layout.record('web', r.cert_unique_id))));
  t.same(stored.map((s) => s?.ca_chain), [[], []], 'no record holds the chain itself');
  t.equal(stored[0]?.ca_chain_ref, stored[1]?.ca_chain_ref, 'both name the same chain entry');
  t.same(await h.storage.get(layout.chain(String(stored[0]?.ca_chain_ref))), first.ca_chain);
  t.same((await lc().records.require('web', second.cert_unique_id)).ca_chain, first.ca_chain, 'a read puts the chain back');
});
