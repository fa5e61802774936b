/**
 * import/<config> end to end: 2,000 certificates seeded at the simulator (real,
 * signed by its CA), imported over HTTP, then imported again.
 */
import { t } from '../helpers/suite.js';
import { SSL_CONFIG, enrollIssued, setUp, sslEnroll } from '../helpers/engine-fixture.js';
import { scmBehindTheBack } from '../helpers/scm-connection.js';
import { runImport } from '../helpers/import-job.js';

const SEEDED = 2_000;
const setup = await setUp(t);
const { call, sim } = setup;
await setup.writeConfig('web', SSL_CONFIG);
const held = await enrollIssued(setup, 'web', sslEnroll('held.example.com'));
await sim.controls.seedSsl(SEEDED, { days: 10, spreadDays: 60 });

const importAll = (config: string, filters: Record<string, unknown> = {}) => runImport(call, config, filters);

/** List pages of one import: each status is listed until a short page. */
const listCalls = (issued: number) => Math.floor(issued / 200) + 1 + 2;

t.test('the first import creates a record for each certificate scmpki does not hold', async (t) => {
  await sim.controls.resetCounters();
  const job = await importAll('web');
  t.match(job, { state: 'done', listed: SEEDED + 1, total: SEEDED + 1, created: SEEDED, updated: 0, unchanged: 0, skipped: 1, failed: 0, errors: [] });
  t.same(await sim.controls.counters(), { list: listCalls(SEEDED + 1), details: SEEDED }, 'one list pass per status, one lookup per new certificate');

  const ids = (await call('LIST', 'certs/web')).body.data.keys as string[];
  t.equal(ids.length, SEEDED + 1);
  const scm = scmBehindTheBack(sim);
  t.teardown(() => scm.close());
  const sample = ids.find((id) => id !== held.cert_unique_id)!;
  const record = (await call('GET', `readcert/web/${sample}`)).body.data;
  const details = await scm.getSsl(record.ssl_id);
  t.match(record, {
    imported: true,
    private_key: '',
    certificate: '',
    auto_renew: false,
    domain: details.commonName,
    subject_alt_names: details.subjectAlternativeNames,
    serial_number: details.serialNumber,
  });
  t.equal(record.renew_id, details.renewId ?? null, 'renew_id: what SCM\'s details say, else null');
  t.equal(record.state.at(-1).status, 'Issued');
  t.equal(record.not_after.slice(0, 10), `${details.expires!.slice(6)}-${details.expires!.slice(0, 2)}-${details.expires!.slice(3, 5)}`, 'expiry as SCM says');
  const heldNow = (await call('GET', `readcert/web/${held.cert_unique_id}`)).body.data;
  t.same(heldNow.state, held.state, 'what scmpki holds is left alone');
  t.equal(heldNow.imported, undefined);
});

t.test('a second import changes nothing and makes list calls only; a change at SCM costs one lookup', async (t) => {
  await sim.controls.resetCounters();
  const again = await importAll('web');
  t.match(again, { state: 'done', listed: SEEDED + 1, created: 0, updated: 0, unchanged: SEEDED, skipped: 1, failed: 0 });
  t.same(await sim.controls.counters(), { list: listCalls(SEEDED + 1) });

  const ids = (await call('LIST', 'certs/web')).body.data.keys as string[];
  const victim = (await call('GET', `readcert/web/${ids.find((id) => id !== held.cert_unique_id)}`)).body.data;
  const scm = scmBehindTheBack(sim);
  t.teardown(() => scm.close());
  await scm.revokeSsl(victim.ssl_id, { reason: 'revoked in SCM\'s web UI' });
  await sim.controls.resetCounters();
  const third = await importAll('web');
  t.match(third, { created: 0, updated: 1, unchanged: SEEDED - 1, skipped: 1 });
  t.same(await sim.controls.counters(), { list: listCalls(SEEDED), details: 1 }, 'the revoked one moved from the Issued list to the Revoked list');
  const revoked = (await call('GET', `readcert/web/${victim.cert_unique_id}`)).body.data;
  t.same(revoked.state.map((s: { status: string }) => s.status), ['Issued', 'Revoked']);
  t.match(revoked.state[1].description, /SCM status Revoked/);
});

