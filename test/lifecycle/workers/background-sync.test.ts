import type { Test } from 'tap';
import { t } from '../../helpers/suite.js';
import { certificateMatchesKey } from '../../../src/pki/index.js';
import { enrollCertificate } from '../../../src/lifecycle/enroll.js';
import { startHarness } from '../../helpers/lifecycle-harness.js';
import { scmBehindTheBack } from '../../helpers/scm-connection.js';
import { sleep } from '../../helpers/wait-for.js';

const SYNC_INTERVAL_MS = 500;
const manual = { collector: { enabled: false }, renewer: { enabled: false, syncIntervalMs: SYNC_INTERVAL_MS } };
/** A harness per test: the renewer passes over every record, and the counters must show only this test's. */
async function world(t: Test) {
  const h = await startHarness({ issueDelayMs: 0, settings: manual });
  t.teardown(() => h.close());
  const lc = () => h.running.lifecycle;
  return {
    h,
    lc,
    async enrollAutoRenew(domain: string, extra: Record<string, unknown> = {}) {
      const { record } = await enrollCertificate(lc(), 'web', { sectigo_csr_domain: domain, sectigo_auto_renew: true, sectigo_loop_period: 0.1, ...extra });
      // Older than the sync interval, so the renewer's next pass asks SCM about it.
      await sleep(SYNC_INTERVAL_MS + 100);
      return record;
    },
  };
}

t.test('SCM re-issued a certificate with 5 days left: the renewer syncs it and renews it in the same pass', async (t) => {
  const { h, lc, enrollAutoRenew } = await world(t);
  const record = await enrollAutoRenew('bg-sync.example.com');
  await h.sim.controls.expireSsl(record.ssl_id as number, 5);
  await h.sim.controls.resetCounters();

  await h.running.renewer.runOnce();
  const old = await lc().records.require('web', record.cert_unique_id);
  t.same(old.state.map((s) => s.status), ['Applied', 'Issued', 'Issued', 'Renewed'], 're-issue synced, then renewed');
  t.match(old.state[2]?.description, /^re-issued at SCM/);
  t.ok(Date.parse(old.not_after) - Date.now() < 6 * 86_400_000, 'the record holds SCM\'s short-lived certificate');
  // Collects: the sync's, then the renewal's one attempt (issued at once here).
  t.same(await h.sim.controls.counters(), { details: 1, collect: 2, renewById: 1 });

  await h.running.collector.runOnce();
  const renewed = await lc().records.require('web', old.renewed_to as string);
  t.equal(renewed.state.at(-1)?.status, 'Issued');
  t.ok(certificateMatchesKey(renewed.leaf_certificate, record.private_key));
});

t.test('revoked at SCM: the renewer records it and does not renew, though the record was due', async (t) => {
  const { h, lc, enrollAutoRenew } = await world(t);
  const record = await enrollAutoRenew('bg-revoked.example.com', { sectigo_expiry_window: 364 });
  const scm = scmBehindTheBack(h.sim);
  t.teardown(() => scm.close());
  await scm.revokeSsl(record.ssl_id as number, { reason: 'revoked in the web UI' });
  await h.sim.controls.resetCounters();

  await h.running.renewer.runOnce();
  const stored = await lc().records.require('web', record.cert_unique_id);
  t.equal(stored.state.at(-1)?.status, 'Revoked');
  t.equal(stored.renewed_to, null);
  t.same(await h.sim.controls.counters(), { details: 1 }, 'no renewal');
});

t.test('the sync stamp is stored: after a restart a record synced moments ago is not asked about again', async (t) => {
  const { h, lc, enrollAutoRenew } = await world(t);
  const record = await enrollAutoRenew('bg-stamp.example.com');
  await h.sim.controls.resetCounters();
  await h.running.renewer.runOnce();
  t.same(await h.sim.controls.counters(), { details: 1 }, 'due: synced');
  t.ok((await lc().records.require('web', record.cert_unique_id)).last_synced_at);

  // Intervals far from the restart's own duration either way, so a slow restart cannot decide the outcome.
  await h.restart({ ...manual, renewer: { ...manual.renewer, syncIntervalMs: 3_600_000 } });
  await h.sim.controls.resetCounters();
  await h.running.renewer.runOnce();
  t.same(await h.sim.controls.counters(), {}, 'synced less than sync_interval ago: left alone');

  await h.restart({ ...manual, renewer: { ...manual.renewer, syncIntervalMs: 1 } });
  await h.running.renewer.runOnce();
  t.same(await h.sim.controls.counters(), { details: 1 }, 'due again once the stored stamp is an interval old');
});

t.test('sync off: the renewer never asks SCM about issued records', async (t) => {
  const { h, enrollAutoRenew } = await world(t);
  await h.restart({ ...manual, renewer: { enabled: false, syncIntervalMs: 0 } });
  await enrollAutoRenew('bg-off.example.com');
  await h.sim.controls.resetCounters();
  await h.running.renewer.runOnce();
  t.same(await h.sim.controls.counters(), {});
});
