import { t } from '../helpers/suite.js';
import { execFile } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { setUp, SSL_CONFIG } from '../helpers/engine-fixture.js';
import { opensslCsr } from '../helpers/openssl-csr.js';
import { opensslVerify } from '../helpers/openssl-verify.js';
import { tempDir } from '../helpers/temp-dir.js';

const run = promisify(execFile);
const script = fileURLToPath(new URL('./hvac-pki.py', import.meta.url));

t.test('hvac 0.11.2 drives the PKI mount with its own PKI methods, also with an AppRole login', async (t) => {
  await run('/usr/bin/python3', ['-c', 'import hvac']).catch((err: Error) => {
    throw new Error(`/usr/bin/python3 cannot import hvac (apt-get install python3-hvac): ${err.message}`);
  });
  const setup = await setUp(t, { issueDelayMs: 0 });
  await setup.writeConfig('web', SSL_CONFIG);
  const { csr, privateKey: csrKey } = await opensslCsr(t, 'signed.example.com', ['DNS:signed.example.com']);
  const csrFile = join(await tempDir(t, 'hvac'), 'req.pem');
  await writeFile(csrFile, csr);
  const { stdout } = await run('/usr/bin/python3', [script, setup.server.url, setup.server.token, csrFile], { timeout: 90_000 });
  const r = JSON.parse(stdout);

  t.equal(r.role_write_status, 204);
  t.match(r.role_read, { config: 'web', allowed_domains: ['example.com'], allow_subdomains: true, ttl: 2_592_000, max_ttl: 157_680_000, key_type: 'rsa' });
  t.same(r.roles, ['web']);

  const chain = { root: setup.sim.caChainPem.root, intermediate: r.issued.ca_chain.join('\n') };
  const issuedLeaf = new X509Certificate(r.issued.certificate);
  t.match(issuedLeaf.subject, /CN=hvac\.example\.com/);
  t.match(issuedLeaf.subjectAltName, /DNS:api\.example\.com/);
  t.ok(issuedLeaf.checkPrivateKey(createPrivateKey(r.issued.private_key)), 'generate_certificate: the key matches the certificate');
  t.equal(r.issued.private_key_type, 'rsa');
  t.equal(r.issued.issuing_ca, r.issued.ca_chain[0]);
  t.match((await opensslVerify(chain, r.issued.certificate)).output, /leaf\.pem: OK$/);

  const signedLeaf = new X509Certificate(r.signed.certificate);
  t.ok(signedLeaf.checkPrivateKey(createPrivateKey(csrKey)), 'sign_certificate: for the CSR\'s key');
  t.notOk('private_key' in r.signed, 'sign hands out no key');
  t.match((await opensslVerify(chain, r.signed.certificate)).output, /leaf\.pem: OK$/);

  t.equal(r.read.certificate.trim(), r.issued.certificate.trim(), 'read_certificate by serial');
  t.equal(r.read.revocation_time, 0);
  t.same([...r.listed].sort(), [r.issued.serial_number, r.signed.serial_number].sort(), 'list_certificates: Vault-style serials');
  t.equal(r.ca_pem.trim(), r.issued.issuing_ca.trim(), 'read_ca_certificate');
  t.equal(new X509Certificate(r.ca_pem).subject, new X509Certificate(setup.sim.caChainPem.intermediate).subject);
  t.equal(r.ca_chain.match(/BEGIN CERTIFICATE/g).length, r.issued.ca_chain.length, 'read_ca_certificate_chain');
  t.equal(r.revoked.state, 'revoked');
  t.ok(r.revoked.revocation_time > 0);
  t.equal(r.read_after_revoke.revocation_time, r.revoked.revocation_time);

  t.same(r.outside_domains, ['common name evil.org not allowed by this role']);
  t.same(r.too_long, ['ttl: 72000000s (833.33 days) is longer than every term of SCM profile 2001 (terms: 365, 730 days)']);
  t.same(r.verbatim, ['role web does not allow sign-verbatim: it skips the role\'s name checks, so the role needs allow_any_name=true']);
  t.match(r.root, [/^root\/generate\/<type> is not supported: the CA is Sectigo's/]);

  t.same(r.approle_policies, ['default', 'pki-web'], 'AppRole login: the role\'s token policies');
  const machineLeaf = new X509Certificate(r.approle_issued.certificate);
  t.match(machineLeaf.subject, /CN=approle\.example\.com/);
  t.ok(machineLeaf.checkPrivateKey(createPrivateKey(r.approle_issued.private_key)), 'generate_certificate with the AppRole token');
  t.match((await opensslVerify(chain, r.approle_issued.certificate)).output, /leaf\.pem: OK$/);
  t.match(r.approle_role_write, [/^permission denied/], 'the AppRole token may issue, not change roles');

  t.match(r.mount_types, { 'sectigo-vault-pki/': 'sectigo-vault-pki', 'pki/': 'pki', 'pki_int/': 'pki' });
  t.same(r.int_roles, ['edge']);
  t.match(r.int_verbatim, /^[0-9a-f]{2}(:[0-9a-f]{2})+$/, 'sign_verbatim on a role that allows any name');
  t.same(r.mounts_after_disable, ['pki/', 'sectigo-vault-pki/']);
  t.equal(r.roles_after_delete, 'none');

  // What an hvac user sees while SCM has not issued: VaultDown (503) whose errors say to retry.
  await setup.writeConfig('slow', { ...SSL_CONFIG, sectigo_max_timeout: 0.2 });
  await setup.sim.controls.updateSettings({ issueDelayMs: 60_000 });
  t.teardown(() => setup.sim.controls.updateSettings({ issueDelayMs: 0 }));
  const pending = `
import hvac, json, sys
client = hvac.Client(url=sys.argv[1], token=sys.argv[2])
client.secrets.pki.create_or_update_role("slow", extra_params={"config": "slow", "allow_any_name": True})
try:
    client.secrets.pki.sign_certificate("slow", open(sys.argv[3]).read(), "signed.example.com")
except hvac.exceptions.VaultDown as err:
    print(json.dumps(err.errors))
`;
  const seen = await run('/usr/bin/python3', ['-c', pending, setup.server.url, setup.server.token, csrFile], { timeout: 60_000 });
  t.match(JSON.parse(seen.stdout), [/^SCM has not issued the certificate yet \(order \d+_demo, status TimedoutStateSaved\); retry the same request/]);
});
