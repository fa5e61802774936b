import { t } from '../helpers/suite.js';
import { startTestServer } from '../helpers/server-fixture.js';
import { vaultRequest, type ApiReply } from '../helpers/vault-api.js';
import { waitFor } from '../helpers/wait-for.js';

const server = await startTestServer(t);
const root = server.token;

function call(token: string, method: string, path: string, body?: unknown): Promise<ApiReply> {
  return vaultRequest(server.url, token, method, path, body);
}

async function create(token: string, body: Record<string, unknown>, path = 'auth/token/create'): Promise<ApiReply['body']> {
  const reply = await call(token, 'POST', path, body);
  if (reply.status !== 200) throw new Error(`${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

async function lookupSelf(token: string): Promise<ApiReply> {
  return call(token, 'GET', 'auth/token/lookup-self');
}

/** 403 once the token no longer works; polled, never timed. */
function untilDead(what: string, token: string): Promise<true> {
  return waitFor(what, async () => ((await lookupSelf(token)).status === 403 ? true : undefined), 3 * SHORT_TTL_S * 1000);
}

await call(root, 'PUT', 'sys/policies/acl/token-maker', { policy: 'path "auth/token/create" { capabilities = ["update"] }' });
await call(root, 'PUT', 'sys/policies/acl/orphan-maker', {
  policy: 'path "auth/token/create" { capabilities = ["update", "sudo"] }\npath "auth/token/create-orphan" { capabilities = ["update", "sudo"] }',
});
/**
 * The ttl of the tokens these tests wait to see expire: long enough that a
 * stalled machine cannot end one between two steps of a test. The tests run
 * side by side, so the file waits for the longest expiry only.
 */
const SHORT_TTL_S = 10;
t.jobs = 4;

await call(root, 'PUT', 'sys/policies/acl/renewer', { policy: 'path "auth/token/renew-self" { capabilities = ["update"] }\npath "auth/token/create" { capabilities = ["update"] }' });

t.test('a child created without ttl by a short-lived token expires with it, and says it is not an orphan', async (t) => {
  const parent = (await create(root, { policies: ['token-maker'], ttl: `${SHORT_TTL_S}s` })).auth;
  t.equal(parent.orphan, false, 'a token created by root is root\'s child');
  const created = await create(parent.client_token, { policies: ['token-maker'] });
  const child = created.auth;
  t.equal(child.orphan, false);
  t.ok(child.lease_duration > 0 && child.lease_duration <= SHORT_TTL_S, `the child inherits the parent's remaining ttl (${child.lease_duration}s), never "forever"`);

  const self = (await lookupSelf(child.client_token)).body.data;
  t.equal(self.orphan, false);
  t.ok(self.ttl > 0 && self.ttl <= SHORT_TTL_S);
  t.not(self.expire_time, null);
  const parentSelf = (await lookupSelf(parent.client_token)).body.data;
  t.equal(self.expire_time, parentSelf.expire_time, 'the child ends when the parent ends');

  await untilDead('the parent to expire', parent.client_token);
  t.equal((await lookupSelf(child.client_token)).status, 403, 'the child died with its parent');
  const byAccessor = await call(root, 'POST', 'auth/token/lookup-accessor', { accessor: child.accessor });
  t.equal(byAccessor.status, 400, 'the child\'s accessor is gone too');
});

t.test('a grandchild dies when its grandparent expires', async (t) => {
  const a = (await create(root, { policies: ['token-maker'], ttl: `${SHORT_TTL_S}s` })).auth.client_token;
  const b = (await create(a, { policies: ['token-maker'], ttl: '1h' })).auth.client_token;
  const c = (await create(b, { policies: ['token-maker'] })).auth.client_token;
  await untilDead('the grandparent to expire', a);
  t.equal((await lookupSelf(b)).status, 403);
  t.equal((await lookupSelf(c)).status, 403);
});

t.test('a child\'s ttl is capped at its parent\'s remaining ttl, with a warning', async (t) => {
  const parent = (await create(root, { policies: ['token-maker'], ttl: '1h' })).auth.client_token;
  const child = await create(parent, { ttl: '2h' });
  t.ok(child.auth.lease_duration <= 3600 && child.auth.lease_duration > 3590, `capped at the parent's (${child.auth.lease_duration}s)`);
  t.match(child.warnings, [/never outlives its parent/]);
  const shorter = await create(parent, { ttl: '10m' });
  t.equal(shorter.auth.lease_duration, 600, 'a shorter ttl stands');
  t.equal(shorter.warnings, null);

  const capped = await create(root, { ttl: '2h', explicit_max_ttl: '1h' });
  t.equal(capped.auth.lease_duration, 3600);
  t.match(capped.warnings, [/explicit_max_ttl/]);
  const rootChild = await create(root, {});
  t.equal(rootChild.auth.lease_duration, 0, 'a child of root without ttl never expires, as before');
  t.equal(rootChild.auth.renewable, false, 'and has nothing to renew');
});

t.test('revoking a token revokes every token below it, and nothing else', async (t) => {
  const a = (await create(root, { policies: ['token-maker'] })).auth.client_token;
  const b = (await create(a, { policies: ['token-maker'] })).auth.client_token;
  const c = (await create(b, { policies: ['token-maker'] })).auth.client_token;
  const sibling = (await create(a, {})).auth.client_token;
  const unrelated = (await create(root, {})).auth.client_token;

  t.equal((await call(b, 'POST', 'auth/token/revoke-self')).status, 204);
  t.equal((await lookupSelf(b)).status, 403);
  t.equal((await lookupSelf(c)).status, 403, 'the child of a revoked token is revoked');
  t.equal((await lookupSelf(a)).status, 200, 'the parent stays');
  t.equal((await lookupSelf(sibling)).status, 200, 'a sibling stays');

  t.equal((await call(root, 'POST', 'auth/token/revoke', { token: a })).status, 204, 'revoke with the token in the body');
  t.equal((await lookupSelf(a)).status, 403);
  t.equal((await lookupSelf(sibling)).status, 403);
  t.equal((await lookupSelf(unrelated)).status, 200);
  t.equal((await call(root, 'POST', 'auth/token/revoke', { token: a })).status, 204, 'revoking a revoked token is not an error');
});

t.test('orphans: only root or sudo, and they outlive their creator', async (t) => {
  const maker = (await create(root, { policies: ['token-maker'], ttl: '1h' })).auth.client_token;
  const noParent = await call(maker, 'POST', 'auth/token/create', { no_parent: true });
  t.same(noParent, { status: 400, body: { errors: ['no_parent: root or sudo privileges required to create orphan token'] } });
  const orphanPath = await call(maker, 'POST', 'auth/token/create-orphan', {});
  t.equal(orphanPath.status, 403, 'create-orphan without sudo');

  const sudoer = (await create(root, { policies: ['orphan-maker'], ttl: '1h' })).auth.client_token;
  const viaFlag = (await create(sudoer, { policies: ['orphan-maker'], no_parent: true, ttl: '2h' })).auth;
  t.equal(viaFlag.orphan, true);
  t.equal(viaFlag.lease_duration, 7200, 'an orphan\'s ttl is not capped by its creator\'s');
  const viaPath = (await create(sudoer, {}, 'auth/token/create-orphan')).auth;
  t.equal(viaPath.orphan, true);
  t.equal(viaPath.lease_duration, 0);
  const rootOrphan = (await create(root, { no_parent: true })).auth;
  t.equal(rootOrphan.orphan, true);

  const lookedUp = (await lookupSelf(viaPath.client_token)).body.data;
  t.equal(lookedUp.orphan, true);
  t.equal(lookedUp.path, 'auth/token/create-orphan');

  await call(sudoer, 'POST', 'auth/token/revoke-self');
  t.equal((await lookupSelf(viaFlag.client_token)).status, 200, 'an orphan survives its creator\'s revoke');
  t.equal((await lookupSelf(viaPath.client_token)).status, 200);
});

t.test('accessors: lookup and revoke without the token', async (t) => {
  const made = (await create(root, { policies: ['token-maker'], ttl: '1h', display_name: 'ci', meta: { team: 'web' } })).auth;
  const child = (await create(made.client_token, {})).auth;

  const lookup = await call(root, 'POST', 'auth/token/lookup', { token: made.client_token });
  t.equal(lookup.status, 200);
  t.match(lookup.body.data, { id: made.client_token, accessor: made.accessor, display_name: 'token-ci', meta: { team: 'web' }, orphan: false, renewable: true, num_uses: 0, explicit_max_ttl: 0, creation_ttl: 3600, path: 'auth/token/create', type: 'service' });
  const byAccessor = await call(root, 'POST', 'auth/token/lookup-accessor', { accessor: made.accessor });
  t.equal(byAccessor.status, 200);
  t.equal(byAccessor.body.data.id, '', 'an accessor never yields its token');
  t.same({ ...byAccessor.body.data, id: made.client_token, ttl: 0 }, { ...lookup.body.data, ttl: 0 });

  t.same(await call(root, 'POST', 'auth/token/lookup', { token: 'hvs.unknown' }), { status: 403, body: { errors: ['bad token'] } });
  for (const accessor of ['unknown00000', '../token/x', 'a/b']) {
    const reply = await call(root, 'POST', 'auth/token/lookup-accessor', { accessor });
    t.equal(reply.status, 400, `lookup-accessor ${accessor}`);
    t.match(reply.body.errors[0], /^accessor: /);
  }
  t.equal((await call(made.client_token, 'POST', 'auth/token/lookup-accessor', { accessor: made.accessor })).status, 403, 'needs a policy');

  t.equal((await call(root, 'POST', 'auth/token/revoke-accessor', { accessor: made.accessor })).status, 204);
  t.equal((await lookupSelf(made.client_token)).status, 403);
  t.equal((await lookupSelf(child.client_token)).status, 403, 'revoke-accessor takes the subtree too');
  t.equal((await call(root, 'POST', 'auth/token/revoke-accessor', { accessor: made.accessor })).status, 400);
});

t.test('renew-self and renew extend up to explicit_max_ttl and the parent\'s expiry', async (t) => {
  const maxTtl = SHORT_TTL_S + 2;
  const made = (await create(root, { policies: ['renewer'], ttl: `${SHORT_TTL_S}s`, explicit_max_ttl: `${maxTtl}s` })).auth;
  t.equal(made.renewable, true);
  const renewed = await call(made.client_token, 'POST', 'auth/token/renew-self', { increment: '1h' });
  t.equal(renewed.status, 200);
  t.ok(renewed.body.auth.lease_duration <= maxTtl && renewed.body.auth.lease_duration > 0, `capped at the explicit max (${renewed.body.auth.lease_duration}s)`);
  t.equal(renewed.body.auth.client_token, made.client_token);
  t.match(renewed.body.warnings, [/explicit_max_ttl/]);
  const self = (await lookupSelf(made.client_token)).body.data;
  t.equal(self.explicit_max_ttl, maxTtl);
  t.type(self.last_renewal_time, 'number');
  await untilDead('the token to reach its explicit max', made.client_token);

  const parent = (await create(root, { policies: ['renewer'], ttl: '1h' })).auth.client_token;
  const child = (await create(parent, { policies: ['renewer'], ttl: '10m' })).auth.client_token;
  const childRenewed = await call(child, 'POST', 'auth/token/renew-self', { increment: '2h' });
  t.ok(childRenewed.body.auth.lease_duration <= 3600, 'a child renews no further than its parent lives');
  const byRoot = await call(root, 'POST', 'auth/token/renew', { token: parent, increment: 7200 });
  t.equal(byRoot.status, 200);
  t.equal(byRoot.body.auth.lease_duration, 7200, 'renew with the token in the body');
  t.equal((await call(root, 'POST', 'auth/token/renew', { token: 'hvs.unknown' })).status, 400);

  const fixed = (await create(root, { policies: ['renewer'], ttl: '1h', renewable: false })).auth;
  t.equal(fixed.renewable, false);
  const refused = await call(fixed.client_token, 'POST', 'auth/token/renew-self', {});
  t.same(refused, { status: 400, body: { errors: ['token: is not renewable'] } });
  const rootRenew = await call(root, 'POST', 'auth/token/renew-self', {});
  t.equal(rootRenew.status, 400, 'the root token never expires: nothing to renew');
  t.equal((await lookupSelf(root)).body.data.ttl, 0);
  t.equal((await lookupSelf(root)).body.data.expire_time, null);
});

t.test('a ttl too long, non-finite or unreadable is a 400 naming the field', async (t) => {
  const bad: Array<[string, unknown]> = [
    ['ttl', '9999999999999h'],
    ['ttl', 1e308],
    ['ttl', '876001h'],
    ['ttl', '1e400'],
    ['ttl', 'soon'],
    ['ttl', -5],
    ['explicit_max_ttl', '9999999999999h'],
    ['explicit_max_ttl', 1e308],
  ];
  for (const [field, value] of bad) {
    const reply = await call(root, 'POST', 'auth/token/create', { [field]: value });
    t.equal(reply.status, 400, `${field}=${JSON.stringify(value)}`);
    t.match(reply.body.errors[0], new RegExp(`^${field}: `));
  }
  const renewable = (await create(root, { ttl: '1h' })).auth.client_token;
  const increment = await call(root, 'POST', 'auth/token/renew', { token: renewable, increment: 1e308 });
  t.equal(increment.status, 400);
  t.match(increment.body.errors[0], /^increment: /);
  t.equal((await call(root, 'POST', 'auth/token/create', { ttl: '876000h' })).status, 200, '100 years is the limit');
  t.equal((await call(root, 'POST', 'auth/token/create', { num_uses: 3 })).status, 400);
});
