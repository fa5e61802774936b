import { t } from '../helpers/suite.js';
import { UserError } from '../../src/errors.js';
import { parsePolicy } from '../../src/auth/policy-language.js';

async function problem(text: string): Promise<string> {
  try {
    await parsePolicy(text);
  } catch (err) {
    if (err instanceof UserError) return err.message;
    throw err;
  }
  throw new Error(`parsed: ${text}`);
}

t.test('HCL: path blocks with capabilities, comments, repeated paths and a leading slash', async (t) => {
  const rules = await parsePolicy(`
# web team
path "sectigo-vault-pki/certs/web/*" {
  capabilities = ["read", "list"]
}
path "/sectigo-vault-pki/enroll/web" { capabilities = ["update"] }
path "sectigo-vault-pki/enroll/web" { capabilities = ["create", "update"] }
`);
  // hcl2json groups blocks by path; the order of rules carries no meaning.
  t.same(rules.sort((a, b) => a.path.localeCompare(b.path)), [
    { path: 'sectigo-vault-pki/certs/web/*', capabilities: ['read', 'list'] },
    { path: 'sectigo-vault-pki/enroll/web', capabilities: ['update'] },
    { path: 'sectigo-vault-pki/enroll/web', capabilities: ['create', 'update'] },
  ]);
});

t.test('JSON form, with one object or a list of objects per path', async (t) => {
  t.same(await parsePolicy('{"path": {"sectigo-vault-pki/certs/+/x": {"capabilities": ["read"]}}}'), [
    { path: 'sectigo-vault-pki/certs/+/x', capabilities: ['read'] },
  ]);
  t.same(await parsePolicy('{"path": {"a/*": [{"capabilities": ["deny"]}, {"capabilities": ["list"]}]}}'), [
    { path: 'a/*', capabilities: ['deny'] },
    { path: 'a/*', capabilities: ['list'] },
  ]);
});

t.test("Vault's legacy policy = \"…\" shorthand maps to capabilities", async (t) => {
  t.same(await parsePolicy('path "a/*" { policy = "read" }'), [{ path: 'a/*', capabilities: ['read', 'list'] }]);
  t.same(await parsePolicy('path "a/*" { policy = "deny" }'), [{ path: 'a/*', capabilities: ['deny'] }]);
});

t.test('an empty policy parses to no rules', async (t) => {
  t.same(await parsePolicy(''), []);
  t.same(await parsePolicy('# nothing yet\n'), []);
});

t.test('bad policies name the problem', async (t) => {
  t.match(await problem('path "a/*" {'), /^policy: failed to parse HCL: line 1, column 12: Unclosed configuration block/);
  t.match(await problem('{"path": '), /^policy: not valid JSON: /);
  t.equal(await problem('path "a" { capabilities = ["read", "write"] }'), 'policy: path "a": unknown capability "write" (known: create, read, update, patch, delete, list, sudo, deny)');
  t.equal(await problem('path "a" { capabilities = [read] }'), 'policy: path "a": capabilities must be quoted strings, got "${read}"');
  t.equal(await problem('path "a" { capabilities = "read" }'), 'policy: path "a": capabilities must be a list such as ["read", "list"]');
  t.equal(await problem('path "a/*/b" { capabilities = ["read"] }'), 'policy: path "a/*/b": "*" is only allowed at the end');
  t.equal(await problem('path "a/b+/c" { capabilities = ["read"] }'), 'policy: path "a/b+/c": "+" must be a whole segment, as in "a/+/b"');
  t.equal(await problem('path "a" {\n  capabilities = ["read"]\n  allowed_parameters = { "x" = [] }\n}'), 'policy: path "a": allowed_parameters is not supported by scmpki');
  t.equal(await problem('path "a" { capabilites = ["read"] }'), 'policy: path "a": unknown key "capabilites" (expected capabilities)');
  t.equal(await problem('path "a" { policy = "all" }'), 'policy: path "a": policy must be one of deny, read, write, sudo');
  t.equal(await problem('paths "a" { capabilities = ["read"] }'), 'policy: unknown top-level key "paths" (expected path blocks)');
  t.match(await problem('path "a" { capabilities = ["read"]\n}'), /^policy: failed to parse HCL: line 1, column \d+: Invalid single-argument block definition/);
  t.equal(await problem('["path"]'), 'policy: failed to parse HCL: line 1, column 1: Argument or block definition required; An argument or block definition is required here.');
  t.equal(await problem('{"path": {"": {"capabilities": ["read"]}}}'), 'policy: path "": must not be empty');
});
