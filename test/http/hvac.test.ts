import { t } from '../helpers/suite.js';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startTestServer } from '../helpers/server-fixture.js';

const run = promisify(execFile);
const script = fileURLToPath(new URL('./hvac-client.py', import.meta.url));

t.test('hvac 0.11.2 (Debian python3-hvac) works against the server', async (t) => {
  // hvac is installed for the system interpreter only (see .ci/run); fail loudly if it is missing.
  await run('/usr/bin/python3', ['-c', 'import hvac']).catch((err: Error) => {
    throw new Error(`/usr/bin/python3 cannot import hvac (apt-get install python3-hvac): ${err.message}`);
  });
  const server = await startTestServer(t);
  const { stdout } = await run('/usr/bin/python3', [script, server.url, server.token], { timeout: 60_000 });
  const results = JSON.parse(stdout);

  t.equal(results.write_status, 204);
  t.equal(results.read.sectigo_cm_org_id, 1234, 'org id string coerced to integer');
  t.equal(results.read.sectigo_cm_base_url, 'https://cert-manager.example');
  t.equal(results.read.sectigo_cm_password_set, true);
  t.notOk('sectigo_cm_password' in results.read);
  t.same(results.list, ['mail', 'web'], 'client.list (GET ?list=True)');
  t.same(results.list_after_delete, ['web']);
  t.equal(results.read_missing, null, 'read of a missing entry is None');
  t.equal(results.authenticated, true);
  t.equal(results.authenticated_bad_token, false);
  t.equal(results.health_head_status, 200, 'HEAD sys/health');
  t.equal(results.health_get.sealed, false);
  t.equal(results.mount_type, 'sectigo-vault-pki');
  t.equal(results.mount_type_top, 'sectigo-vault-pki');
  t.same(results.bad_request_errors, ['sectigo_cm_org_id: must be a decimal integer, not "many"'], 'errors parsed: exact Content-Type');

  t.same(results.token_create, { orphan: false, lease_duration: 3600, renewable: true, policies: ['root'] }, 'auth.token.create');
  t.match(results.token_lookup, { orphan: false, path: 'auth/token/create', display_name: 'token', num_uses: 0 });
  t.equal(results.token_lookup_accessor.id, '');
  t.equal(results.token_renew, 7200);
  t.equal(results.token_renew_self, 1800);
  t.ok(results.grandchild_lease > 0 && results.grandchild_lease <= 1800, 'a child of the child is capped by it');
  t.equal(results.orphan, true, 'no_parent=True from root');
  t.equal(results.child_after_revoke, false, 'revoke');
  t.match(results.grandchild_after_revoke, [/^accessor: /], 'the grandchild went with it');
  t.match(results.bad_ttl_errors, [/^ttl: /]);
});
