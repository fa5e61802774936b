import type { Test } from 'tap';
import { t } from '../helpers/suite.js';
import { createHash, randomBytes } from 'node:crypto';
import { TokenStore, type TokenEntry } from '../../src/auth/token-store.js';
import { layout } from '../../src/storage/layout.js';
import { prefixRange, type BatchOp, type Storage } from '../../src/storage/storage.js';
import { assertNotInDataDir } from '../helpers/data-dir-scan.js';
import { startTestServer } from '../helpers/server-fixture.js';
import { tempDir } from '../helpers/temp-dir.js';
import { openTestStorage } from '../helpers/test-storage.js';
import { vaultRequest } from '../helpers/vault-api.js';
import { watchStorage } from '../helpers/storage-spy.js';
import { sleep } from '../helpers/wait-for.js';

async function openStore(t: Test): Promise<{ storage: Storage; tokens: TokenStore }> {
  const { storage } = await openTestStorage(await tempDir(t, 'tokens'), randomBytes(32));
  t.teardown(() => storage.close());
  return { storage, tokens: new TokenStore(storage) };
}

async function keysUnder(storage: Storage, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const [key] of storage.range(prefixRange(prefix))) keys.push(key);
  return keys;
}

function child(parent: Awaited<ReturnType<TokenStore['lookupLive']>>, ttlSeconds = 0) {
  return { policies: ['default'], displayName: 'token', ttlSeconds, explicitMaxTtlSeconds: 0, renewable: true, parent, path: 'auth/token/create' };
}

t.test('revoking a parent deletes its whole subtree in one batch, every key of it', async (t) => {
  const { storage, tokens } = await openStore(t);
  const top = await tokens.create({ ...child(undefined, 3600), path: 'auth/token/create-orphan' });
  const mid = await tokens.create(child(await tokens.lookupLive(top.id)));
  const leaves = await Promise.all([1, 2, 3].map(async () => tokens.create(child(await tokens.lookupLive(mid.id)))));
  t.equal((await keysUnder(storage, layout.tokenChildren(mid.entry.accessor))).length, 3);

  const batches: BatchOp[][] = [];
  await watchStorage(storage, 'batch', (ops) => batches.push(ops), () => tokens.revoke(top.id));
  t.equal(batches.length, 1, 'one atomic batch');
  for (const made of [top, mid, ...leaves]) t.equal(await tokens.lookup(made.id), undefined);
  t.same(await storage.list(layout.tokens), [], 'no token entry left');
  t.same(await keysUnder(storage, 'token-accessor/'), []);
  t.same(await keysUnder(storage, 'token-parent/'), [], 'no tree entry left');
  t.same(await keysUnder(storage, layout.tokenExpiries), [], 'no expiry entry left');
});

t.test('expired tokens nobody presents again are swept when tokens are created', async (t) => {
  const { storage, tokens } = await openStore(t);
  const shortLived = await tokens.create(child(undefined, 1));
  const grandchild = await tokens.create(child(await tokens.lookupLive(shortLived.id)));
  t.equal((await keysUnder(storage, layout.tokenExpiries)).length, 2);
  await sleep(1100);
  await tokens.create(child(undefined, 3600));
  t.equal((await storage.list(layout.tokens)).length, 1, 'only the new token is left');
  t.equal(await storage.get(layout.tokenAccessor(grandchild.entry.accessor)), undefined);
  t.equal((await keysUnder(storage, layout.tokenExpiries)).length, 1);
});

t.test('a child written under a parent that is gone is not live, and is cleaned up', async (t) => {
  const { storage, tokens } = await openStore(t);
  const parent = await tokens.create(child(undefined, 3600));
  const live = await tokens.lookupLive(parent.id);
  const made = await tokens.create(child(live));
  // As if the parent's revoke had landed between the child's checks and its write.
  await storage.batch([
    { type: 'del', key: layout.token(createHash('sha256').update(parent.id).digest('hex')) },
    { type: 'del', key: layout.tokenAccessor(parent.entry.accessor) },
  ]);
  t.equal(await tokens.lookup(made.id), undefined);
  t.same(await keysUnder(storage, 'token-parent/'), []);
  await t.rejects(tokens.create(child(live)), /revoked/, 'a create under a revoked parent fails');
});

t.test('tokens stored before the token tree keep working, as orphans, and get accessors at start', async (t) => {
  const first = await startTestServer(t);
  const legacyId = 'hvs.legacy-token-from-an-older-version';
  const mortalId = 'hvs.legacy-token-with-a-ttl';
  await first.close();
  const { storage } = await openTestStorage(first.dataDir, first.sealKey);
  const now = Date.now();
  const legacy = (accessor: string, expire: string | null): TokenEntry => ({
    accessor,
    policies: ['default'],
    display_name: 'token-old',
    creation_time: new Date(now).toISOString(),
    creation_ttl: expire === null ? 0 : 7200,
    expire_time: expire,
  });
  await storage.put(layout.token(createHash('sha256').update(legacyId).digest('hex')), legacy('legacyAccessor01', null));
  const expire = new Date(now + 7_200_000).toISOString();
  await storage.put(layout.token(createHash('sha256').update(mortalId).digest('hex')), legacy('legacyAccessor02', expire));
  await storage.delete(layout.tokenIndexVersion);
  await storage.close();

  const server = await startTestServer(t, {}, { sealKey: first.sealKey, dataDir: first.dataDir });
  const root = first.token;
  const self = await vaultRequest(server.url, legacyId, 'GET', 'auth/token/lookup-self');
  t.equal(self.status, 200);
  t.match(self.body.data, { orphan: true, ttl: 0, expire_time: null, renewable: false, explicit_max_ttl: 0, path: 'auth/token/create', accessor: 'legacyAccessor01' });
  const mortal = await vaultRequest(server.url, mortalId, 'GET', 'auth/token/lookup-self');
  t.equal(mortal.body.data.expire_time, expire, 'the expiry is unchanged');
  t.equal(mortal.body.data.renewable, false, 'created as not renewable, and still not');

  const byAccessor = await vaultRequest(server.url, root, 'POST', 'auth/token/lookup-accessor', { accessor: 'legacyAccessor02' });
  t.equal(byAccessor.status, 200, 'indexed at start');
  t.equal((await vaultRequest(server.url, root, 'POST', 'auth/token/revoke-accessor', { accessor: 'legacyAccessor01' })).status, 204);
  t.equal((await vaultRequest(server.url, legacyId, 'GET', 'auth/token/lookup-self')).status, 403);
});

t.test('no token is written in clear: neither a parent nor a child', async (t) => {
  const server = await startTestServer(t);
  await vaultRequest(server.url, server.token, 'PUT', 'sys/policies/acl/token-maker', { policy: 'path "auth/token/create" { capabilities = ["update"] }' });
  const parent = (await vaultRequest(server.url, server.token, 'POST', 'auth/token/create', { policies: ['token-maker'], ttl: '1h' })).body.auth.client_token;
  const made = (await vaultRequest(server.url, parent, 'POST', 'auth/token/create', {})).body.auth.client_token;
  await server.close();
  await assertNotInDataDir(t, server.dataDir, parent);
  await assertNotInDataDir(t, server.dataDir, made);
});
