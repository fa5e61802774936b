/**
 * docker-compose.yml as a user runs it (`docker compose up --wait`), with
 * processes instead of containers (helpers/compose-runner.ts): every service
 * starts from its own command and environment, healthchecks pass, the
 * bootstrap writes a config entry that reaches the simulator, and the stack
 * then issues a certificate.
 */
import { t } from '../helpers/suite.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readComposeFile, runComposeStack, startOrder } from '../helpers/compose-runner.js';
import { engineCaller } from '../helpers/vault-api.js';
import { waitFor } from '../helpers/wait-for.js';

const compose = await readComposeFile();

t.test('the file: healthchecks, start order on health, a one-shot bootstrap', async (t) => {
  t.same(startOrder(compose), ['scm-simulator', 'scmpki', 'bootstrap']);
  t.ok(compose.services['scm-simulator']!.healthcheck, 'the simulator has a healthcheck');
  t.ok(compose.services.scmpki!.healthcheck, 'scmpki has a healthcheck');
  t.same(compose.services.scmpki!.depends_on, { 'scm-simulator': { condition: 'service_healthy' } });
  t.same(compose.services.bootstrap!.depends_on, { scmpki: { condition: 'service_healthy' } });
  t.equal(compose.services.bootstrap!.restart, 'no');
});

t.test('the stack runs: healthy services, the bootstrap config works, a certificate is issued', async (t) => {
  const stack = await runComposeStack(t, compose);
  t.equal(stack.exitCode('bootstrap'), 0, stack.output('bootstrap'));
  t.match(stack.output('bootstrap'), /Success! Data written to: sectigo-vault-pki\/configs\/demo/);
  t.match(stack.output('scm-simulator'), new RegExp(`SCM simulator listening on 127\\.0\\.0\\.1:${stack.port(8201)}\\n`), 'the start line names the bound address');

  const token = (await readFile(join(stack.volume('scmpki-token'), '.vault-token'), 'utf8')).trim();
  t.match(token, /^hvs\./, 'the first start wrote the root token to the token volume');
  const api = engineCaller(`http://127.0.0.1:${stack.port(8200)}`, token);
  const config = await api('GET', 'configs/demo');
  t.equal(config.body.data.sectigo_cm_base_url, `http://127.0.0.1:${stack.port(8201)}`);

  const enroll = await api('POST', 'enroll/demo', { sectigo_csr_domain: 'compose.example.com', sectigo_loop_period: '0.2' });
  t.equal(enroll.status, 200, JSON.stringify(enroll.body.errors));
  const id = enroll.body.data.cert_unique_id as string;
  const issued = await waitFor('the certificate to be issued', async () => {
    const read = await api('GET', `certs/demo/${id}`);
    const states = (read.body.data?.state ?? []) as Array<{ status: string }>;
    return states.at(-1)?.status === 'Issued' ? read.body.data : undefined;
  }, 60_000);
  t.match(issued.leaf_certificate, /BEGIN CERTIFICATE/);
});
