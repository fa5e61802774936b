import { t } from '../helpers/suite.js';
import { buildCsr, certificateMatchesKey, generateKeyPair } from '../../src/pki/index.js';
import { FAST, SSL_CONFIG, clientEnroll, enrollIssued, setUpWithConfigs, sslEnroll, statuses } from '../helpers/engine-fixture.js';
import { scmBehindTheBack } from '../helpers/scm-connection.js';

const DAY_MS = 86_400_000;
const daysLeft = (record: { not_after: string }) => (Date.parse(record.not_after) - Date.now()) / DAY_MS;

t.test('sync', async (t) => {
  const setup = await setUpWithConfigs(t);
  const scm = scmBehindTheBack(setup.sim);
  t.teardown(() => scm.close());

  t.test('an unchanged certificate: one details call, no warning, nothing but the sync stamp written', async (t) => {
    const issued = await enrollIssued(setup, 'web', sslEnroll('sync-same.example.com'));
    await setup.sim.controls.resetCounters();

    const reply = await setup.call('POST', `sync/web/${issued.cert_unique_id}`, {});
    t.equal(reply.status, 200);
    t.equal(reply.body.warnings, null);
    const { last_synced_at, ...rest } = reply.body.data;
    t.same(rest, issued, 'state, certificate and key as they were');
    t.ok(Date.now() - Date.parse(last_synced_at) < 10_000, 'the sync is stamped');
    t.same(await setup.sim.controls.counters(), { details: 1 }, 'the serial matched: no collect');
  });

  t.test('an unchanged client certificate is checked by collect', async (t) => {
    const issued = await enrollIssued(setup, 'people', clientEnroll('sync-same@example.com'));
    await setup.sim.controls.resetCounters();
    const reply = await setup.call('PUT', `sync/people/${issued.cert_unique_id}`, {});
    t.equal(reply.status, 200);
    t.equal(reply.body.warnings, null);
    t.same(statuses(reply.body.data), ['Applied', 'Issued']);
    t.same(await setup.sim.controls.counters(), { 'smime.collect': 1 });
  });

  t.test('re-issued at SCM with 5 days left: the record takes SCM\'s certificate, then a read renews it once', async (t) => {
    const issued = await enrollIssued(setup, 'web', { ...sslEnroll('sync-reissued.example.com'), sectigo_auto_renew: true });
    const id = issued.cert_unique_id;
    await setup.sim.controls.expireSsl(issued.ssl_id, 5);
    await setup.sim.controls.resetCounters();

    const reply = await setup.call('POST', `sync/web/${id}`, {});
    t.equal(reply.status, 200);
    const synced = reply.body.data;
    t.match(reply.body.warnings, [/was re-issued at SCM: serial .* → .*, not_after .* → .*; the record now holds SCM's certificate/]);
    t.not(synced.serial_number, issued.serial_number, 'SCM\'s new serial');
    t.ok(daysLeft(synced) > 4 && daysLeft(synced) < 6, `not_after ${synced.not_after} is SCM's`);
    t.equal(synced.private_key, issued.private_key, 'same key');
    t.ok(certificateMatchesKey(synced.leaf_certificate, synced.private_key));
    t.same(statuses(synced), ['Applied', 'Issued', 'Issued']);
    t.match(synced.state.at(-1).description, /^re-issued at SCM/);
    t.match(await setup.verify(synced.leaf_certificate), /: OK$/);
    t.same(await setup.sim.controls.counters(), { details: 1, collect: 1 });

    const read = await setup.call('GET', `certs/web/${id}?sectigo_loop_period=0.1`);
    t.equal(read.status, 200);
    t.not(read.body.data.cert_unique_id, id, 'auto-renew acted on the synced expiry');
    t.ok(daysLeft(read.body.data) > 300);
    const again = await setup.call('GET', `certs/web/${id}`);
    t.equal(again.body.data.cert_unique_id, read.body.data.cert_unique_id);
    t.equal((await setup.sim.controls.counters()).renewById, 1, 'renewed exactly once');

    const renewed = await setup.call('POST', `sync/web/${id}`, {});
    t.equal(renewed.status, 400);
    t.match(renewed.body.errors[0], new RegExp(`${id} is Renewed: only Issued certificates are synced with SCM; sync its renewal, ${read.body.data.cert_unique_id}, instead`));
  });

  t.test('revoked at SCM: the record becomes Revoked, saying where', async (t) => {
    const ssl = await enrollIssued(setup, 'web', sslEnroll('sync-revoked.example.com'));
    await scm.revokeSsl(ssl.ssl_id, { reason: 'key on a stolen laptop', reasonCode: 1 });
    const reply = await setup.call('POST', `sync/web/${ssl.cert_unique_id}`, {});
    t.equal(reply.status, 200);
    t.same(statuses(reply.body.data), ['Applied', 'Issued', 'Revoked']);
    t.match(reply.body.data.state.at(-1).description, /^revoked at SCM on \d\d\/\d\d\/\d{4}, reason code 1$/);
    t.equal(reply.body.data.leaf_certificate, ssl.leaf_certificate, 'the certificate stays in the record');
    t.match(reply.body.warnings, [/was revoked at SCM .*; the record is now Revoked/]);

    const client = await enrollIssued(setup, 'people', clientEnroll('sync-revoked@example.com'));
    await scm.revokeSmime(client.backend_cert_id, { reason: 'left' });
    const clientReply = await setup.call('POST', `sync/people/${client.cert_unique_id}`, {});
    t.equal(clientReply.status, 200);
    t.match(clientReply.body.data.state.at(-1), { status: 'Revoked', code: -192, description: 'The Certificate has been revoked!' }, 'SCM\'s own words');

    const again = await setup.call('POST', `sync/web/${ssl.cert_unique_id}`, {});
    t.equal(again.status, 400);
    t.match(again.body.errors[0], /is Revoked: only Issued certificates are synced/);
  });

  t.test('re-issued at SCM for another key: left alone while SCM works on it, then nothing replaced, an ErrorCode entry, 409', async (t) => {
    const issued = await enrollIssued(setup, 'web', sslEnroll('sync-foreign.example.com'));
    const foreign = await generateKeyPair({ algorithm: 'RSA', bits: 2048 });
    const csr = await buildCsr({ subject: { commonName: 'sync-foreign.example.com' }, privateKeyPem: foreign.privateKeyPem });
    await scm.replaceSsl(issued.ssl_id, { csr, reason: 'replaced in the web UI' });
    const during = await setup.call('POST', `sync/web/${issued.cert_unique_id}`, {});
    t.equal(during.status, 200, 'while SCM re-issues');
    t.match(during.body.warnings, [/no certificate to hand out for .* right now \(Applied\); the record was left as it is/]);
    t.same(statuses(during.body.data), ['Applied', 'Issued']);
    await new Promise((resolve) => setTimeout(resolve, 300));

    const reply = await setup.call('POST', `sync/web/${issued.cert_unique_id}`, {});
    t.equal(reply.status, 409);
    t.match(reply.body.errors[0], /SCM re-issued certificate .* for a key scmpki does not hold; the stored certificate and key were kept\. Replace it/);
    const stored = (await setup.call('GET', `readcert/web/${issued.cert_unique_id}`)).body.data;
    t.equal(stored.leaf_certificate, issued.leaf_certificate);
    t.equal(stored.private_key, issued.private_key);
    t.match(stored.state.at(-1), { status: 'ErrorCode', code: -90001 });
    t.equal(stored.last_error.code, -90001);
  });

  t.test('a client certificate re-issued at SCM: for its key the record takes it, for another key it is refused with -90001', async (t) => {
    const reissueAt = async (issued: any, privateKeyPem: string) => {
      const csr = await buildCsr({ subject: { commonName: 'Jane Doe', emailAddress: issued.domain }, privateKeyPem });
      await scm.replaceSmime(issued.backend_cert_id, { csr, reason: 'replaced in the web UI' });
    };
    const same = await enrollIssued(setup, 'people', clientEnroll('sync-reissue@example.com'));
    await reissueAt(same, same.private_key);
    const during = await setup.call('POST', `sync/people/${same.cert_unique_id}`, {});
    t.equal(during.status, 200, 'while SCM re-issues');
    t.match(during.body.warnings, [/no certificate to hand out for .* right now .*; the record was left as it is/]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const reply = await setup.call('POST', `sync/people/${same.cert_unique_id}`, {});
    t.equal(reply.status, 200);
    t.match(reply.body.warnings, [/was re-issued at SCM: serial .* → .*; the record now holds SCM's certificate/]);
    t.not(reply.body.data.serial_number, same.serial_number);
    t.ok(certificateMatchesKey(reply.body.data.leaf_certificate, same.private_key));
    t.same(statuses(reply.body.data), ['Applied', 'Issued', 'Issued']);
    t.match(await setup.verify(reply.body.data.leaf_certificate), /: OK$/);

    const other = await enrollIssued(setup, 'people', clientEnroll('sync-reissue-foreign@example.com'));
    await reissueAt(other, (await generateKeyPair({ algorithm: 'EC', curve: 'P-256' })).privateKeyPem);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const refused = await setup.call('POST', `sync/people/${other.cert_unique_id}`, {});
    t.equal(refused.status, 409);
    t.match(refused.body.errors[0], /SCM re-issued certificate .* for a key scmpki does not hold/);
    const stored = (await setup.call('GET', `readcert/people/${other.cert_unique_id}`)).body.data;
    t.equal(stored.leaf_certificate, other.leaf_certificate, 'the stored certificate and key stay');
    t.match(stored.state.at(-1), { status: 'ErrorCode', code: -90001 });
  });

  t.test('sync/<config>: every Issued record, counted', async (t) => {
    await setup.writeConfig('fleet', SSL_CONFIG);
    const [same, reissued, revoked, failing] = await Promise.all(
      ['same', 'reissued', 'revoked', 'failing'].map((name) => enrollIssued(setup, 'fleet', sslEnroll(`${name}.fleet.example.com`))),
    );
    await setup.sim.controls.expireSsl(reissued.ssl_id, 20);
    await scm.revokeSsl(revoked.ssl_id, { reason: 'decommissioned' });
    await setup.sim.controls.addFault({ kind: 'error', path: `/ssl/v1/${failing.ssl_id}$`, status: 400, code: -124, description: `Wrong SSL certificate id ${failing.ssl_id}.`, count: 1 });

    const reply = await setup.call('POST', 'sync/fleet', {});
    t.equal(reply.status, 200);
    t.same({ ...reply.body.data, changed_ids: [...reply.body.data.changed_ids].sort() }, {
      checked: 4, changed: 2, revoked: 1, failed: 1, changed_ids: [reissued.cert_unique_id, revoked.cert_unique_id].sort(),
    });
    t.ok(reply.body.warnings.includes(`${failing.cert_unique_id}: SCM error -124: Wrong SSL certificate id ${failing.ssl_id}.`), 'the failure names the id and keeps SCM\'s words');
    t.equal((await setup.call('GET', `readcert/fleet/${same.cert_unique_id}`)).body.data.state.length, 2);

    const calm = await setup.call('POST', 'sync/fleet', {});
    t.same(calm.body.data, { checked: 3, changed: 0, revoked: 0, failed: 0, changed_ids: [] }, 'the revoked one is no longer checked');
  });

  t.test('an SCM error keeps SCM\'s code and description; the record is untouched', async (t) => {
    const issued = await enrollIssued(setup, 'web', sslEnroll('sync-fault.example.com'));
    await setup.sim.controls.addFault({ kind: 'error', endpoint: 'details', status: 403, code: -3, description: 'You are not authorized to perform view certificate.', count: 1 });
    const reply = await setup.call('POST', `sync/web/${issued.cert_unique_id}`, {});
    t.equal(reply.status, 502);
    t.same(reply.body.errors, ['SCM error -3: You are not authorized to perform view certificate.']);
    t.same((await setup.call('GET', `readcert/web/${issued.cert_unique_id}`)).body.data, issued, 'not even a sync stamp');
  });

  t.test('bad input: unknown config or id is a 404 naming it; a pending record is collected as a read collects it', async (t) => {
    await setup.sim.controls.resetCounters();
    t.same(await setup.call('POST', 'sync/nope/1_demo', {}), { status: 404, body: { errors: ['config "nope" not found'] } });
    t.same(await setup.call('POST', 'sync/nope', {}), { status: 404, body: { errors: ['config "nope" not found'] } });
    t.same(await setup.call('POST', 'sync/web/999999_demo', {}), {
      status: 404,
      body: { errors: ['certificate "999999_demo" not found under config "web"'] },
    });
    const badField = await setup.call('POST', 'sync/web/999999_demo', { sectigo_max_timeout: 'soon' });
    t.equal(badField.status, 400);
    t.match(badField.body.errors[0], /sectigo_max_timeout/);
    t.same(await setup.sim.controls.counters(), {}, 'SCM never asked');

    await setup.sim.controls.updateSettings({ issueDelayMs: 600_000 });
    t.teardown(() => setup.sim.controls.updateSettings({ issueDelayMs: 200 }));
    const pending = await setup.call('POST', 'enroll/web', { ...sslEnroll('sync-pending.example.com'), sectigo_max_timeout: 0 });
    const reply = await setup.call('POST', `sync/web/${pending.body.data.cert_unique_id}`, { ...FAST, sectigo_max_timeout: 0 });
    t.equal(reply.status, 200);
    t.equal(reply.body.data.state.at(-1).status, 'TimedoutStateSaved');
    t.match(reply.body.warnings, [/SCM has not issued the certificate yet/]);
  });
});
