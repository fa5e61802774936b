import { t } from '../helpers/suite.js';
import { SSL_PROFILES, SMIME_PROFILES } from '../../src/simulator/index.js';
import { SSL_CONFIG, setUpWithConfigs, sslEnroll } from '../helpers/engine-fixture.js';

/** A profile as SCM sends it: the catalog entry without the simulator's own `renewable` flag. */
function onTheWire(profile: (typeof SSL_PROFILES)[number]) {
  const { renewable: _notSent, ...wire } = profile;
  return wire;
}

t.test('profile', async (t) => {
  const setup = await setUpWithConfigs(t);

  t.test('write downloads one SSL profile; read, list and delete work on the stored copy', async (t) => {
    await setup.sim.controls.resetCounters();
    const written = await setup.call('POST', 'profile/web/2001', { sectigo_cm_org_id: setup.sim.orgId });
    t.equal(written.status, 200, JSON.stringify(written.body));
    t.same(written.body.data, onTheWire(SSL_PROFILES.find((p) => p.id === 2001)!));
    t.same(await setup.sim.controls.counters(), { types: 1 });

    const read = await setup.call('GET', 'profile/web/2001');
    t.equal(read.status, 200);
    t.same(read.body.data, written.body.data);
    t.same(await setup.sim.controls.counters(), { types: 1 }, 'read is local');

    t.equal((await setup.call('POST', 'profile/web/2003', {})).status, 200);
    const list = await setup.call('LIST', 'profile/web');
    t.equal(list.status, 200);
    t.same(list.body.data.keys, ['2001', '2003']);

    t.equal((await setup.call('DELETE', 'profile/web/2001')).status, 204);
    t.equal((await setup.call('GET', 'profile/web/2001')).status, 404);
    t.same((await setup.call('GET', 'profile/web?list=true')).body.data.keys, ['2003']);
  });

  t.test('a client config downloads S/MIME profiles', async (t) => {
    await setup.sim.controls.resetCounters();
    const written = await setup.call('POST', 'profile/people/3002', {});
    t.equal(written.status, 200);
    t.same(written.body.data, onTheWire(SMIME_PROFILES.find((p) => p.id === 3002)!));
    t.same(await setup.sim.controls.counters(), { 'smime.types': 1 });
  });

  t.test('unknown and malformed ids are 4xx naming the problem, and store nothing', async (t) => {
    const unknown = await setup.call('POST', 'profile/web/9999', {});
    t.equal(unknown.status, 404);
    t.match(unknown.body.errors[0], /type_id: SCM has no ssl_cert profile 9999 \(it has: 2001/);
    t.equal((await setup.call('GET', 'profile/web/9999')).status, 404);

    const ssLIdForClient = await setup.call('POST', 'profile/people/2001', {});
    t.equal(ssLIdForClient.status, 404, 'SSL profile ids are not client profiles');

    const malformed = await setup.call('POST', 'profile/web/abc', {});
    t.equal(malformed.status, 400);
    t.match(malformed.body.errors[0], /type_id: "abc" is not an SCM profile id/);
    t.equal((await setup.call('DELETE', 'profile/web/2002')).status, 404, 'deleting what is not stored');
  });

  t.test('enroll checks key and term against the stored profile before SCM is asked', async (t) => {
    t.equal((await setup.call('POST', 'profile/web/2004', {})).status, 200, 'EC-only, 365 days');
    await setup.sim.controls.resetCounters();
    const rsa = await setup.call('POST', 'enroll/web', { ...sslEnroll('profile-check.example.com'), sectigo_ssl_cert_type: 2004 });
    t.equal(rsa.status, 400);
    t.match(rsa.body.errors[0], /sectigo_csr_key_size: RSA.*profile 2004/);
    const term = await setup.call('POST', 'enroll/web', {
      ...sslEnroll('profile-check.example.com', { algo: 'EC', size: 'P-256' }),
      sectigo_ssl_cert_type: 2004,
      sectigo_ssl_cert_validity: 730,
    });
    t.equal(term.status, 400);
    t.match(term.body.errors[0], /sectigo_ssl_cert_validity: 730 days is not a term of profile 2004/);
    t.same(await setup.sim.controls.counters(), {});
  });

  t.test('LIST available=true asks SCM what the config\'s organization may use, with terms and key types', async (t) => {
    await setup.writeConfig('dept', SSL_CONFIG);
    t.equal((await setup.call('POST', 'configs/dept', { sectigo_cm_org_id: 1002 })).status, 204, 'writes merge: only the organization changes');
    await setup.sim.controls.resetCounters();
    const list = await setup.call('LIST', 'profile/dept?available=true');
    t.equal(list.status, 200, JSON.stringify(list.body));
    const offered = SSL_PROFILES.filter((p) => p.id !== 2005);
    t.same(list.body.data.keys, offered.map((p) => String(p.id)), 'the department has no EV profile');
    for (const p of offered) {
      t.same(list.body.data.key_info[String(p.id)], { name: p.name, description: p.description ?? '', terms: p.terms, key_types: p.keyTypes });
    }
    t.same(await setup.sim.controls.counters(), { types: 1 });
    t.equal((await setup.call('LIST', 'profile/dept')).status, 404, 'nothing was stored');

    const people = await setup.call('GET', 'profile/people?list=true&available=true');
    t.same(people.body.data.keys, SMIME_PROFILES.map((p) => String(p.id)));
    t.equal((await setup.call('LIST', 'profile/nosuch?available=true')).status, 404);
    const bad = await setup.call('LIST', 'profile/web?available=maybe');
    t.equal(bad.status, 400);
    t.match(bad.body.errors[0], /available/);
  });
});
