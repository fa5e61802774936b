import t from 'tap';
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
