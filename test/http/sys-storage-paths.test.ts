/**
 * sys/rotate, sys/key-status and sys/storage/raft/snapshot over real HTTP:
 * the shapes Vault's clients read, node-vault's `rotate`, and the policies
 * (rotate and snapshot are root-protected: `sudo` besides the capability).
 */
import { t } from '../helpers/suite.js';
import nodeVault from 'node-vault';
import { readSnapshot } from '../../src/storage/snapshot.js';
import { configAsStrings } from '../helpers/scm-connection.js';
import { startTestServer } from '../helpers/server-fixture.js';
import { vaultRequest, type ApiReply } from '../helpers/vault-api.js';
import { waitFor } from '../helpers/wait-for.js';

const server = await startTestServer(t);
const call = (token: string, method: string, path: string, body?: unknown): Promise<ApiReply> => vaultRequest(server.url, token, method, path, body);
const root = server.token;

async function tokenWith(name: string, policy: string): Promise<string> {
  const written = await call(root, 'PUT', `sys/policies/acl/${name}`, { policy });
  if (written.status !== 204) throw new Error(`policy ${name}: ${written.status}`);
  return (await call(root, 'POST', 'auth/token/create', { policies: [name] })).body.auth.client_token;
}

async function snapshotEntries(token: string, path = 'sys/storage/raft/snapshot'): Promise<{ status: number; keys: string[] }> {
  const response = await fetch(`${server.url}/v1/${path}`, { headers: { 'X-Vault-Token': token } });
  if (response.status !== 200) return { status: response.status, keys: [] };
  const keys: string[] = [];
  const body = Buffer.from(await response.arrayBuffer());
  for await (const [key] of readSnapshot((async function* () { yield body; })())) keys.push(key);
  return { status: response.status, keys };
}

t.test('node-vault rotates; key-status shows the new term as Vault does, then the finished re-encryption', async (t) => {
  await call(root, 'PUT', 'sectigo-vault-pki/configs/web', configAsStrings('Pw-rotated-config'));
  const before = await call(root, 'GET', 'sys/key-status');
  t.equal(before.status, 200);
  t.match(before.body, { term: 1, data: { term: 1, encryptions: Number, install_time: String }, terms: [1], rewrap: null });

  await nodeVault({ endpoint: server.url, token: root }).rotate();
  const after = await waitFor('the re-encryption to finish', async () => {
    const status = (await call(root, 'GET', 'sys/key-status')).body;
    return status.rewrap === null ? status : undefined;
  });
  t.match(after, { term: 2, data: { term: 2, terms: [2], retired_terms: [1] } }, 'term 2 active, term 1 retired');
  t.ok(Date.parse(after.install_time) >= Date.parse(before.body.install_time), 'install_time is the new term\'s');
  t.equal((await call(root, 'GET', 'sectigo-vault-pki/configs/web')).body.data.sectigo_cm_password_set, true, 'a config written before reads after');
});

t.test('rotate and snapshot need sudo; key-status needs read', async (t) => {
  const denied = { status: 403, body: { errors: ['permission denied'] } };
  const withoutSudo = await tokenWith('storage-no-sudo', 'path "sys/rotate" { capabilities = ["update"] }\npath "sys/storage/*" { capabilities = ["read"] }');
  const withSudo = await tokenWith('storage-sudo', 'path "sys/rotate" { capabilities = ["update", "sudo"] }\npath "sys/storage/*" { capabilities = ["read", "sudo"] }\npath "sys/key-status" { capabilities = ["read"] }');

  t.same(await call(withoutSudo, 'PUT', 'sys/rotate'), denied, 'rotate without sudo');
  t.equal((await snapshotEntries(withoutSudo)).status, 403, 'snapshot without sudo');
  t.same(await call(withoutSudo, 'GET', 'sys/key-status'), denied, 'key-status without read');

  t.equal((await call(withSudo, 'PUT', 'sys/rotate')).status, 204, 'rotate with update and sudo');
  t.equal((await call(withSudo, 'GET', 'sys/key-status')).body.data.term, 3, 'key-status with read');
  const snapshot = await snapshotEntries(withSudo);
  t.equal(snapshot.status, 200, 'snapshot with read and sudo');
  t.ok(snapshot.keys.includes('core/keyring') && snapshot.keys.includes('config/web'), 'it holds the keyring and the stored values');
  t.same((await snapshotEntries(withSudo, 'sys/storage/snapshot')).keys, snapshot.keys, 'the same at sys/storage/snapshot');
});
