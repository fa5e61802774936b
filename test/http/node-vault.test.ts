import { t } from '../helpers/suite.js';
import nodeVault from 'node-vault';
import { configAsStrings } from '../helpers/scm-connection.js';
import { startTestServer } from '../helpers/server-fixture.js';

t.test('node-vault 0.12 with default options (LIST verb) works against the server', async (t) => {
  const server = await startTestServer(t);
  const vault = nodeVault({ endpoint: server.url, token: server.token });

  t.equal(await vault.write('sectigo-vault-pki/configs/web', { ...configAsStrings(), sectigo_cm_org_id: 1234 }), '', 'write → 204');
  await vault.write('sectigo-vault-pki/configs/mail', { ...configAsStrings(), sectigo_config_type: 'client_cert' });

  const read = await vault.read('sectigo-vault-pki/configs/web');
  t.equal(read.data.sectigo_cm_org_id, 1234);
  t.equal(read.data.sectigo_cm_base_url, 'https://cert-manager.example');
  t.equal(read.data.sectigo_cm_password_set, true);
  t.notOk('sectigo_cm_password' in read.data);

  const listed = await vault.list('sectigo-vault-pki/configs');
  t.same(listed.data.keys, ['mail', 'web'], 'LIST verb answered');

  await vault.delete('sectigo-vault-pki/configs/mail');
  t.same((await vault.list('sectigo-vault-pki/configs')).data.keys, ['web']);
  await t.rejects(vault.read('sectigo-vault-pki/configs/mail'), /Status 404/);

  const health = await vault.health();
  t.equal(health.sealed, false);
  t.equal(health.initialized, true);

  const status = await vault.status();
  t.equal(status.sealed, false);
  t.equal(status.type, 'shamir');

  const mounts = await vault.mounts();
  t.equal(mounts['sectigo-vault-pki/'].type, 'sectigo-vault-pki');
  t.equal(mounts.data['sectigo-vault-pki/'].type, 'sectigo-vault-pki');

  const self = await vault.tokenLookupSelf();
  t.equal(self.data.id, server.token);
  t.same(self.data.policies, ['root']);
  t.equal(self.data.ttl, 0);

  const badToken = nodeVault({ endpoint: server.url, token: 'hvs.not-a-token' });
  await t.rejects(badToken.tokenLookupSelf(), { message: 'permission denied' });
});

t.test('node-vault token calls: create, lookup, lookup-accessor, renew, renew-self, revoke, orphans', async (t) => {
  const server = await startTestServer(t);
  // node-vault switches a client to the token a create or renew returns, so each such call gets a fresh root client.
  const asRoot = () => nodeVault({ endpoint: server.url, token: server.token });
  const vault = asRoot();

  const created = await asRoot().tokenCreate({ policies: ['root'], ttl: '1h', display_name: 'node' });
  t.equal(created.auth.orphan, false);
  t.equal(created.auth.lease_duration, 3600);
  t.equal(created.auth.renewable, true);
  const child = created.auth.client_token;

  const looked = await vault.tokenLookup({ token: child });
  t.match(looked.data, { id: child, display_name: 'token-node', orphan: false, path: 'auth/token/create' });
  const byAccessor = await vault.tokenLookupAccessor({ accessor: created.auth.accessor });
  t.equal(byAccessor.data.id, '');
  t.equal(byAccessor.data.accessor, created.auth.accessor);

  const renewed = await asRoot().tokenRenew({ token: child, increment: '2h' });
  t.equal(renewed.auth.lease_duration, 7200);
  const childVault = nodeVault({ endpoint: server.url, token: child });
  const renewedSelf = await childVault.tokenRenewSelf({ increment: '30m' });
  t.equal(renewedSelf.auth.lease_duration, 1800);
  t.equal(renewedSelf.auth.client_token, child);

  const grandchild = (await nodeVault({ endpoint: server.url, token: child }).tokenCreate({ policies: ['default'] })).auth;
  t.ok(grandchild.lease_duration > 0 && grandchild.lease_duration <= 1800, 'capped by its parent');
  const orphan = (await asRoot().tokenCreateOrphan({ ttl: '1h' })).auth;
  t.equal(orphan.orphan, true);

  await vault.tokenRevoke({ token: child });
  await t.rejects(childVault.tokenLookupSelf(), { message: 'permission denied' });
  await t.rejects(vault.tokenLookupAccessor({ accessor: grandchild.accessor }), /invalid accessor/, 'the grandchild went with it');
  await vault.tokenRevokeAccessor({ accessor: orphan.accessor });
  await t.rejects(vault.tokenLookup({ token: orphan.client_token }), { message: 'bad token' });
  await t.rejects(asRoot().tokenCreate({ ttl: '9999999999999h' }), /ttl: /);
});
