/**
 * `scmpki operator rotate` and `operator key-status`, the built binary
 * against a real server: Vault's rows, then the re-encryption's state.
 */
import { t } from '../helpers/suite.js';
import { runCli } from '../helpers/run-cli.js';
import { startTestServer } from '../helpers/server-fixture.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const server = await startTestServer(t, { log_level: 'warn' });
const env = { VAULT_ADDR: server.url, VAULT_TOKEN: server.token, HOME: await tempDir(t, 'rotate-cli') };

t.test('operator rotate prints the new term; key-status shows the old one retired once re-encrypted', async (t) => {
  const rotated = await runCli(['operator', 'rotate'], { env });
  t.equal(rotated.code, 0, rotated.stderr);
  t.match(rotated.stdout, /^Success! Rotated key\n\nKey\s+Value\n---\s+-----\nKey Term\s+2\nInstall Time\s+\d{4}-\d\d-\d\dT\S+Z\nEncryption Count\s+\d+\n/);

  const status = await waitFor('the old term to be retired', async () => {
    const run = await runCli(['operator', 'key-status', '-format=json'], { env });
    const parsed = JSON.parse(run.stdout);
    return parsed.rewrap === null ? parsed : undefined;
  });
  t.match(status, { term: 2, terms: [2], retired_terms: [1] });
  const table = await runCli(['operator', 'key-status'], { env });
  t.match(table.stdout, /Live Terms\s+\[2\]\nRe-encryption\s+none running\nRetired Terms\s+\[1\]/);

  const denied = await runCli(['operator', 'rotate'], { env: { ...env, VAULT_TOKEN: 'hvs.not-a-token' } });
  t.equal(denied.code, 2);
  t.match(denied.stderr, /^Error rotating key: Error making API request\.[\s\S]*Code: 403/);
});
