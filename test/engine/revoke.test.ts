import { t } from '../helpers/suite.js';
import { clientEnroll, enrollIssued, setUpWithConfigs, sslEnroll, statuses } from '../helpers/engine-fixture.js';

t.test('revoke', async (t) => {
  const setup = await setUpWithConfigs(t);

  t.test('an SSL certificate is revoked at SCM once and its record is kept as Revoked', async (t) => {
    const issued = await enrollIssued(setup, 'web', sslEnroll('revoke-rsa.example.com'));
    await setup.sim.controls.resetCounters();

    const reply = await setup.call('POST', `revoke/web/${issued.cert_unique_id}`, { sectigo_revoke_reason: 'retired', reason_code: 4 });
    t.equal(reply.status, 200);
    t.same(statuses(reply.body.data), ['Applied', 'Issued', 'Revoked']);
    t.equal(reply.body.data.leaf_certificate, issued.leaf_certificate, 'the certificate stays in the record');
    t.same(await setup.sim.controls.counters(), { revoke: 1 });

    const stored = await setup.call('GET', `readcert/web/${issued.cert_unique_id}`);
    t.equal(stored.status, 200, 'revoking does not delete');
    t.equal(stored.body.data.state.at(-1).status, 'Revoked');
  });

  t.test('revoking twice is a 400 with SCM\'s -159 and changes nothing', async (t) => {
    const issued = await enrollIssued(setup, 'web', sslEnroll('revoke-twice.example.com', { algo: 'EC', size: 'P-256' }));
    t.equal((await setup.call('POST', `revoke/web/${issued.cert_unique_id}`, {})).status, 200, 'the default reason is accepted by SCM');
    await setup.sim.controls.resetCounters();

    const again = await setup.call('POST', `revoke/web/${issued.cert_unique_id}`, { sectigo_revoke_reason: 'again' });
    t.equal(again.status, 400);
    t.match(again.body.errors[0], /-159.*already revoked/);
    t.same(await setup.sim.controls.counters(), { revoke: 1 });
    const stored = await setup.call('GET', `readcert/web/${issued.cert_unique_id}`);
    t.same(statuses(stored.body.data), ['Applied', 'Issued', 'Revoked'], 'no second Revoked entry');
  });

  t.test('a client certificate is revoked by order', async (t) => {
    const issued = await enrollIssued(setup, 'people', clientEnroll('revoke@example.com', { algo: 'EC', size: 'P-384' }));
    await setup.sim.controls.resetCounters();
    const reply = await setup.call('POST', `revoke/people/${issued.cert_unique_id}`, { sectigo_revoke_reason: 'left', reason_code: '3' });
    t.equal(reply.status, 200);
    t.equal(reply.body.data.state.at(-1).status, 'Revoked');
    t.same(await setup.sim.controls.counters(), { 'smime.revoke': 1 });
  });

  t.test('bad input is refused before SCM is called', async (t) => {
    await setup.sim.controls.resetCounters();
    const unknown = await setup.call('POST', 'revoke/web/999999_demo', {});
    t.equal(unknown.status, 404, 'unknown record');

    const issued = await enrollIssued(setup, 'web', sslEnroll('revoke-bad.example.com'));
    await setup.sim.controls.resetCounters();
    const badCode = await setup.call('POST', `revoke/web/${issued.cert_unique_id}`, { reason_code: 2 });
    t.equal(badCode.status, 400);
    t.match(badCode.body.errors[0], /reason_code.*0, 1, 3, 4, 5/);
    const longReason = await setup.call('POST', `revoke/web/${issued.cert_unique_id}`, { sectigo_revoke_reason: 'x'.repeat(513) });
    t.equal(longReason.status, 400);
    t.match(longReason.body.errors[0], /sectigo_revoke_reason/);
    t.same(await setup.sim.controls.counters(), {}, 'SCM never asked');
  });
});
