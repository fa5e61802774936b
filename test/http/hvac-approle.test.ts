import { t } from '../helpers/suite.js';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startTestServer } from '../helpers/server-fixture.js';

const run = promisify(execFile);
const script = fileURLToPath(new URL('./hvac-approle-client.py', import.meta.url));

t.test('hvac 0.11.2 (Debian python3-hvac) sets up AppRole, logs in and uses the token', async (t) => {
  await run('/usr/bin/python3', ['-c', 'import hvac']).catch((err: Error) => {
    throw new Error(`/usr/bin/python3 cannot import hvac (apt-get install python3-hvac): ${err.message}`);
  });
  const server = await startTestServer(t, { log_level: 'warn' });
  const { stdout } = await run('/usr/bin/python3', [script, server.url, server.token], { timeout: 60_000 });
  const results = JSON.parse(stdout);

  t.same(results.auth_methods, ['approle/', 'token/'], 'sys.enable_auth_method + list_auth_methods');
  t.match(results.role, { token_policies: ['web-configs'], token_ttl: 3600, token_max_ttl: 7200, secret_id_num_uses: 2, bind_secret_id: true });
  t.same(results.roles, ['web']);
  t.same(results.generated_keys, ['secret_id', 'secret_id_accessor', 'secret_id_num_uses', 'secret_id_ttl']);
  t.equal(results.accessor_matches, true, 'list_secret_id_accessors');
  t.match(results.secret_id_lookup, { secret_id_num_uses: 2, metadata: { host: 'web-1' } }, 'metadata sent as JSON text by hvac');
  t.same(results.login, {
    policies: ['default', 'web-configs'],
    token_policies: ['default', 'web-configs'],
    metadata: { host: 'web-1', role_name: 'web' },
    lease_duration: 3600,
    renewable: true,
  });
  t.equal(results.app_token_set, true, 'hvac took the login token');
  t.equal(results.allowed_read, 'acme', 'the policy allows reading configs/web');
  t.same(results.denied_write, ['permission denied'], 'and denies writing it (403)');
  t.same(results.used_up, ['invalid role or secret ID'], 'secret_id_num_uses=2: the third login is refused');
  t.same(results.destroyed, ['invalid role or secret ID']);
  t.equal(results.roles_after_delete, null, 'delete_role');
  t.same(results.auth_methods_after_disable, ['token/'], 'sys.disable_auth_method');
});
