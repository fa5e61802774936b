import { t } from '../helpers/suite.js';
import { Acl } from '../../src/auth/acl.js';
import { parsePolicy } from '../../src/auth/policy-language.js';

async function aclOf(...policies: string[]): Promise<Acl> {
  return new Acl(await Promise.all(policies.map(parsePolicy)));
}

const caps = (acl: Acl, path: string) => [...acl.capabilitiesOn(path)].sort();

t.test('exact paths match only themselves', async (t) => {
  const acl = await aclOf('path "m/configs/web" { capabilities = ["read"] }');
  t.same(caps(acl, 'm/configs/web'), ['read']);
  t.same(caps(acl, 'm/configs/web2'), []);
  t.same(caps(acl, 'm/configs/web/x'), []);
  t.same(caps(acl, 'm/configs'), []);
});

t.test('"*" at the end is a prefix match, also within a segment', async (t) => {
  const acl = await aclOf('path "m/certs/web/*" { capabilities = ["read", "list"] }', 'path "m/certs/mail*" { capabilities = ["read"] }');
  t.same(caps(acl, 'm/certs/web/1_demo'), ['list', 'read']);
  t.same(caps(acl, 'm/certs/web/'), ['list', 'read'], 'the list form of certs/web');
  t.same(caps(acl, 'm/certs/web'), [], 'the prefix includes the slash');
  t.same(caps(acl, 'm/certs/mailers/1_demo'), ['read']);
  t.same(caps(acl, 'm/certs/other/1_demo'), []);
});

t.test('"+" matches exactly one segment', async (t) => {
  const acl = await aclOf('path "m/certs/+/1_demo" { capabilities = ["read"] }', 'path "m/profile/+/*" { capabilities = ["list"] }');
  t.same(caps(acl, 'm/certs/web/1_demo'), ['read']);
  t.same(caps(acl, 'm/certs/mail/1_demo'), ['read']);
  t.same(caps(acl, 'm/certs/web/2_demo'), []);
  t.same(caps(acl, 'm/certs/a/b/1_demo'), [], 'not two segments');
  t.same(caps(acl, 'm/certs/1_demo'), [], 'not zero segments');
  t.same(caps(acl, 'm/profile/web/'), ['list']);
  t.same(caps(acl, 'm/profile/web/2001'), ['list']);
});

t.test('deny on a pattern wins over grants on the same pattern from other policies', async (t) => {
  const acl = await aclOf('path "m/certs/web/*" { capabilities = ["read", "list"] }', 'path "m/certs/web/*" { capabilities = ["deny"] }');
  t.same(caps(acl, 'm/certs/web/1_demo'), ['deny']);
});

t.test('capabilities for the same pattern add up across policies', async (t) => {
  const acl = await aclOf('path "m/certs/web/*" { capabilities = ["read"] }', 'path "m/certs/web/*" { capabilities = ["list"] }');
  t.same(caps(acl, 'm/certs/web/1_demo'), ['list', 'read']);
});

t.test('the most specific pattern decides: a narrower deny overrides a broad grant and vice versa', async (t) => {
  const acl = await aclOf(`
path "m/*" { capabilities = ["read", "list", "update"] }
path "m/configs/*" { capabilities = ["deny"] }
path "m/configs/public" { capabilities = ["read"] }
`);
  t.same(caps(acl, 'm/certs/web/1_demo'), ['list', 'read', 'update']);
  t.same(caps(acl, 'm/configs/prod'), ['deny']);
  t.same(caps(acl, 'm/configs/public'), ['read'], 'an exact path beats every glob');
});

t.test("Vault's priority order between globs", async (t) => {
  // 1. the later the first wildcard, the higher the priority
  let acl = await aclOf('path "m/+/web/x" { capabilities = ["read"] }', 'path "m/certs/+/x" { capabilities = ["list"] }');
  t.same(caps(acl, 'm/certs/web/x'), ['list']);
  // 2. a pattern without a trailing * beats one with it
  acl = await aclOf('path "m/certs/+/x*" { capabilities = ["read"] }', 'path "m/certs/+/x" { capabilities = ["list"] }');
  t.same(caps(acl, 'm/certs/web/x'), ['list']);
  // 3. fewer + segments win
  acl = await aclOf('path "m/certs/+/+" { capabilities = ["read"] }', 'path "m/certs/+/x" { capabilities = ["list"] }');
  t.same(caps(acl, 'm/certs/web/x'), ['list']);
  // 4. the longer pattern wins
  acl = await aclOf('path "m/certs/*" { capabilities = ["read"] }', 'path "m/certs/web/*" { capabilities = ["list"] }');
  t.same(caps(acl, 'm/certs/web/x'), ['list']);
  // 5. then the lexicographically larger one
  acl = await aclOf('path "m/certs/+/a*" { capabilities = ["read"] }', 'path "m/certs/+/b*" { capabilities = ["list"] }');
  t.same(caps(acl, 'm/certs/web/a'), ['read'], 'only one of them matches here');
  acl = await aclOf('path "m/+/x" { capabilities = ["read"] }', 'path "m/+/y" { capabilities = ["list"] }', 'path "m/+/+" { capabilities = ["delete"] }');
  t.same(caps(acl, 'm/a/x'), ['read']);
});

t.test('no policy, or an empty one, grants nothing', async (t) => {
  t.same(caps(await aclOf(), 'm/certs/web/1_demo'), []);
  t.same(caps(await aclOf(''), 'm/certs/web/1_demo'), []);
});
