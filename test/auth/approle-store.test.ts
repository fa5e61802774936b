/**
 * AppRoleStore over a real LevelDB: what is written for a secret ID, the
 * sweep of expired ones nobody presents again, and what a role's deletion
 * leaves behind (nothing).
 */
import type { Test } from 'tap';
import { t } from '../helpers/suite.js';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { AppRoleStore, type AppRoleEntry } from '../../src/auth/approle-store.js';
import { layout } from '../../src/storage/layout.js';
import { openStorage } from '../../src/storage/level-storage.js';
import { prefixRange, type Storage } from '../../src/storage/storage.js';
import { tempDir } from '../helpers/temp-dir.js';

async function openStore(t: Test): Promise<{ storage: Storage; approles: AppRoleStore }> {
  const { storage } = await openStorage({ path: join(await tempDir(t, 'approles'), 'db'), sealKey: randomBytes(32) });
  t.teardown(() => storage.close());
  return { storage, approles: new AppRoleStore(storage) };
}

async function clearKeys(storage: Storage, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const [key] of storage.range(prefixRange(prefix))) keys.push(key);
  return keys;
}

function role(name: string, fields: Partial<AppRoleEntry> = {}): AppRoleEntry {
  return {
    name,
    role_id: `${name}-role-id`,
    bind_secret_id: true,
    secret_id_bound_cidrs: [],
    secret_id_num_uses: 0,
    secret_id_ttl: 0,
    token_policies: [],
    token_no_default_policy: false,
    token_ttl: 0,
    token_max_ttl: 0,
    token_explicit_max_ttl: 0,
    ...fields,
  };
}

const noOptions = { metadata: {}, cidrList: [], tokenBoundCidrs: [] };

t.test('a secret ID is stored under its SHA-256 with its accessor link; the role ID is indexed by hash', async (t) => {
  const { storage, approles } = await openStore(t);
  await approles.writeRole('web', () => role('web'));
  const { secretId, entry } = await approles.createSecretId('web', noOptions);
  const secretHash = createHash('sha256').update(secretId).digest('hex');
  t.same(await storage.list(layout.secretIds('web')), [secretHash]);
  t.same(await storage.get(layout.secretIdAccessor('web', entry.secret_id_accessor)), { secret_id_hash: secretHash });
  t.same(await storage.get(layout.appRoleId(createHash('sha256').update('web-role-id').digest('hex'))), { name: 'web' });
  t.same(await clearKeys(storage, layout.secretIdExpiries), [], 'no expiry index for a secret ID that never expires');
});

t.test('expired secret IDs are swept with their accessor and index entry; live ones stay', async (t) => {
  const { storage, approles } = await openStore(t);
  await approles.writeRole('brief', () => role('brief', { secret_id_ttl: 60 }));
  await approles.writeRole('lasting', () => role('lasting'));
  const expiring = await approles.createSecretId('brief', noOptions);
  const lasting = await approles.createSecretId('lasting', noOptions);
  t.equal((await clearKeys(storage, layout.secretIdExpiries)).length, 1);

  await approles.sweepExpired(Date.now());
  t.ok(await approles.lookupSecretId('brief', expiring.secretId), 'not yet due');
  await approles.sweepExpired(Date.now() + 61_000);
  t.same(await storage.list(layout.secretIds('brief')), [], 'the entry is gone');
  t.same(await approles.listAccessors('brief'), [], 'and its accessor');
  t.same(await clearKeys(storage, layout.secretIdExpiries), [], 'and its index entry');
  t.ok(await approles.lookupSecretId('lasting', lasting.secretId), 'another role\'s live secret ID is untouched');
});

t.test('deleting a role removes its role ID index and every secret ID; another role with the old role ID may then exist', async (t) => {
  const { storage, approles } = await openStore(t);
  await approles.writeRole('web', () => role('web'));
  await approles.createSecretId('web', noOptions);
  await approles.createSecretId('web', noOptions);
  t.equal(await approles.deleteRole('web'), true);
  t.equal(await approles.deleteRole('web'), false, 'a second delete finds nothing');
  await t.rejects(approles.createSecretId('web', noOptions), { name: 'NotFoundError' }, 'no secret ID for a deleted role');
  t.same(await storage.list('approle/'), [], 'nothing left under approle/');
  await approles.writeRole('other', () => role('other', { role_id: 'web-role-id' }));
  t.equal((await approles.roleByRoleId('web-role-id'))?.name, 'other');
});
