/**
 * Enrolling through the built `scmpki` binary against a real server and SCM
 * simulator: the progress line on a pseudo-terminal (and its absence
 * without one), PEM extraction with -field that openssl verifies, and the
 * detailed certificate list. Needs `npm run build` (npm test runs it first).
 */
import { t } from '../helpers/suite.js';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { startTestSimulator } from '../helpers/test-simulator.js';
import { startTestServer } from '../helpers/server-fixture.js';
import { tempDir } from '../helpers/temp-dir.js';
import { keyValueArgs, runCli, runCliInTerminal } from '../helpers/run-cli.js';
import { simulatorConnection } from '../helpers/scm-connection.js';
import { opensslVerify } from '../helpers/openssl-verify.js';

const sim = await startTestSimulator(t, { issueDelayMs: 1200 });
const server = await startTestServer(t);
const dir = await tempDir(t, 'cli-enroll');
const env = { HOME: dir, VAULT_ADDR: server.url, VAULT_TOKEN: server.token };
const cli = (args: string[]) => runCli(args, { env });

// The plugin's own sample payload, with a short poll period so the test is quick.
const sample = JSON.parse(await readFile(new URL('../../sample_json_data/ssl_cert/ssl_cert.json', import.meta.url), 'utf8'));
const payloadFile = join(dir, 'ssl_cert.json');
await writeFile(payloadFile, JSON.stringify({ ...sample, sectigo_cm_org_id: sim.orgId, sectigo_loop_period: 0.2, sectigo_max_timeout: 30 }));

const configured = await cli([
  'write', 'sectigo-vault-pki/configs/demo',
  ...keyValueArgs({ ...simulatorConnection(sim), sectigo_config_type: 'ssl_cert' }),
]);
if (configured.code !== 0) throw new Error(`config write failed: ${configured.stderr}`);

t.test('on a terminal, enroll shows elapsed time and then the final state on stderr', async (t) => {
  const result = await runCliInTerminal(['write', 'sectigo-vault-pki/enroll/demo', `@${payloadFile}`], { env });
  t.equal(result.code, 0, 'exits 0');
  t.match(result.stdout, /enrolling… 0s/, 'the line starts at once');
  t.match(result.stdout, /enrolling… 1s/, 'and counts the seconds while SCM issues');
  t.match(result.stdout, /enrolling… Issued after \d+s\r?\n/, 'and ends with the state the record reached');
  t.match(result.stdout, /cert_unique_id\s{4,}\d+_demo/, 'the record follows');
});

t.test('without a terminal there is no progress line; -field extracts PEMs openssl verifies', async (t) => {
  const enrolled = await cli(['write', '-format=json', 'sectigo-vault-pki/enroll/demo', `@${payloadFile}`]);
  t.equal(enrolled.code, 0, enrolled.stderr);
  t.equal(enrolled.stderr, '', 'nothing on stderr when it is not a terminal');
  const record = JSON.parse(enrolled.stdout).data;
  t.equal(record.state.at(-1).status, 'Issued');
  const path = `sectigo-vault-pki/certs/demo/${record.cert_unique_id}`;

  const leaf = await cli(['read', '-field=leaf_certificate', path]);
  t.equal(leaf.code, 0, leaf.stderr);
  t.equal(leaf.stdout, record.leaf_certificate, 'the PEM arrives byte for byte');
  t.match(new X509Certificate(leaf.stdout).subject, /CN=myorg\.com/);

  const chain = await cli(['read', '-field=ca_chain', path]);
  t.equal(chain.code, 0, chain.stderr);
  t.equal(chain.stdout, record.ca_chain.map((pem: string) => (pem.endsWith('\n') ? pem : `${pem}\n`)).join(''));

  const { output } = await opensslVerify({ root: sim.caChainPem.root, intermediate: chain.stdout }, leaf.stdout, 'cert.pem');
  t.match(output, /cert\.pem: OK/);

  const key = await cli(['read', '-field=private_key', path]);
  t.equal(key.code, 0, key.stderr);
  t.match(key.stdout, /^-----BEGIN (RSA )?PRIVATE KEY-----\n[\s\S]+-----END (RSA )?PRIVATE KEY-----\n?$/);

  const withParams = await cli(['read', '-format=json', path, 'sectigo_auto_renew=false']);
  t.equal(withParams.code, 0, withParams.stderr);
  t.equal(JSON.parse(withParams.stdout).data.cert_unique_id, record.cert_unique_id, 'read data goes as query parameters');
});

t.test('list -detailed shows key_info columns for each certificate', async (t) => {
  const plain = await cli(['list', 'sectigo-vault-pki/certs/demo']);
  t.equal(plain.code, 0, plain.stderr);
  const ids = plain.stdout.trim().split('\n').slice(2);
  t.equal(ids.length, 2, 'both enrolled certificates are listed');

  const detailed = await cli(['list', '-detailed', 'sectigo-vault-pki/certs/demo']);
  t.equal(detailed.code, 0, detailed.stderr);
  const [header, underline, ...rows] = detailed.stdout.trim().split('\n');
  t.match(header, /^Keys\s{4,}.*domain/);
  t.match(underline, /^----\s{4,}-/);
  t.same(rows.map((row) => row.split(/\s+/)[0]), ids);
  t.ok(rows.every((row) => row.includes('myorg.com')), 'each row shows the domain');
});

t.test('an enroll that outlasts sectigo_max_timeout ends the line with TimedoutStateSaved and prints the warning', async (t) => {
  await sim.controls.updateSettings({ issueDelayMs: 60_000 });
  t.teardown(() => sim.controls.updateSettings({ issueDelayMs: 1200 }));
  const slowPayload = join(dir, 'slow.json');
  await writeFile(slowPayload, JSON.stringify({ ...sample, sectigo_cm_org_id: sim.orgId, sectigo_loop_period: 0.2, sectigo_max_timeout: 1 }));
  const result = await runCliInTerminal(['write', 'sectigo-vault-pki/enroll/demo', `@${slowPayload}`], { env });
  t.equal(result.code, 0, 'exits 0');
  t.match(result.stdout, /enrolling… TimedoutStateSaved after \d+s\r?\n/);
  t.match(result.stdout, /WARNING! The following warnings were returned from Vault:\r?\n\r?\n {2}\* /);
});
