/**
 * A PKI mount over real HTTP: role checks and their words, the ttl → SCM
 * term mapping, what needs no token, ACLs, help and OpenAPI, the paths that
 * cannot map onto SCM, no_store, and mounts that survive a restart.
 */
import { t } from '../helpers/suite.js';
import { join } from 'node:path';
import { enableFileDevice, readAuditLog } from '../helpers/audit-log.js';
import { setUpWithConfigs } from '../helpers/engine-fixture.js';
import { opensslCsr } from '../helpers/openssl-csr.js';
import { startTestServer } from '../helpers/server-fixture.js';
import { tempDir } from '../helpers/temp-dir.js';
import { vaultRequest } from '../helpers/vault-api.js';

t.test('PKI mount', async (t) => {
  const setup = await setUpWithConfigs(t);
  const { url, token } = setup.server;
  const as = (who: string) => (method: string, path: string, body?: unknown) => vaultRequest(url, who, method, path, body);
  const root = as(token);
  const pki = (method: string, path: string, body?: unknown) => root(method, `pki/${path}`, body);
  t.equal((await pki('POST', 'roles/web', { config: 'web', allowed_domains: 'example.com', allow_subdomains: true })).status, 204);

  t.test('role writes name the field and the problem', async (t) => {
    const unknown = await pki('POST', 'roles/x', { config: 'nope' });
    t.same([unknown.status, unknown.body.errors], [400, ['config: no config entry "nope" (write configs/nope on the Sectigo engine first)']]);
    const smime = await pki('POST', 'roles/x', { config: 'people' });
    t.same(smime.body.errors, ['config: "people" is a client_cert entry; PKI roles order SSL certificates (an ssl_cert entry)']);
    const badTtl = await pki('POST', 'roles/x', { config: 'web', ttl: 'soon' });
    t.same(badTtl.body.errors, ['ttl: "soon" is not a duration (use seconds or e.g. "1h", "30m")']);
    t.same((await pki('LIST', 'roles')).body.data.keys, ['web']);
  });

  t.test('names outside the role and ttls no SCM term can meet are 400s in Vault\'s words, before anything is ordered', async (t) => {
    await setup.sim.controls.resetCounters();
    const cn = await pki('POST', 'issue/web', { common_name: 'www.example.org' });
    t.same([cn.status, cn.body.errors], [400, ['common name www.example.org not allowed by this role']]);
    const { csr } = await opensslCsr(t, 'ok.example.com', ['DNS:ok.example.com', 'DNS:evil.example.net']);
    const san = await pki('POST', 'sign/web', { csr });
    t.same([san.status, san.body.errors], [400, ['subject alternate name evil.example.net not allowed by this role']]);
    const long = await pki('POST', 'issue/web', { common_name: 'a.example.com', ttl: '26280h' });
    t.same([long.status, long.body.errors], [400, ['ttl: 94608000s (1095 days) is longer than every term of SCM profile 2001 (terms: 365, 730 days)']]);
    t.equal((await pki('POST', 'roles/capped', { config: 'web', allow_any_name: true, max_ttl: '9000h' })).status, 204);
    const capped = await pki('POST', 'issue/capped', { common_name: 'b.example.com', ttl: '9000h' });
    t.same(capped.body.errors, ["ttl: the shortest SCM term of profile 2001 that covers 32400000s (375 days) is 730 days, longer than the role's max_ttl 32400000s (375 days) (terms: 365, 730 days)"]);
    const missing = await pki('POST', 'sign/nobody', { csr });
    t.same(missing.body.errors, ['unknown role: nobody']);
    t.same(await setup.sim.controls.counters(), { types: 1 }, 'only the profile list (GET types) was read from SCM: nothing ordered');
  });

  t.test('issue maps ttl onto the shortest term that covers it; the CA and certificates are readable without a token', async (t) => {
    const issued = await pki('POST', 'issue/web', { common_name: 'svc.example.com', ttl: '400d' });
    t.equal(issued.status, 200, issued.body.errors?.join('; ') ?? 'issued');
    const days = (issued.body.data.expiration * 1000 - Date.now()) / 86_400_000;
    t.ok(days > 729 && days <= 731, `400 days → the 730-day term (${days.toFixed(1)})`);
    const serial = issued.body.data.serial_number;
    const anonymous = as('');
    const caPem = await fetch(`${url}/v1/pki/ca/pem`);
    t.equal(caPem.status, 200);
    t.equal(caPem.headers.get('content-type'), 'application/pem-certificate-chain');
    t.equal((await caPem.text()).trim(), issued.body.data.issuing_ca.trim());
    const caDer = await fetch(`${url}/v1/pki/ca`);
    t.equal(caDer.headers.get('content-type'), 'application/pkix-cert');
    t.equal((await caDer.arrayBuffer()).byteLength > 500, true, 'DER bytes');
    const byDash = await anonymous('GET', `pki/cert/${serial.replace(/:/g, '-')}`);
    t.equal(byDash.body.data.certificate, issued.body.data.certificate, 'cert/<serial> with dashes, no token');
    const raw = await fetch(`${url}/v1/pki/cert/${serial}/raw/pem`);
    t.equal((await raw.text()).trim(), issued.body.data.certificate.trim());
    const chain = await anonymous('GET', 'pki/cert/ca_chain');
    t.same(chain.body.data.ca_chain, issued.body.data.ca_chain);
    t.equal((await anonymous('LIST', 'pki/certs')).status, 403, 'listing needs a token');
    t.equal((await anonymous('GET', 'pki/roles/web')).status, 403);
    const notSerial = await anonymous('GET', 'pki/cert/zz-top');
    t.same(notSerial.body.errors, ['serial: "zz-top" is not a certificate serial (hex, as 17:67:16:b0 or 17-67-16-b0)']);
    const unknown = await anonymous('GET', 'pki/cert/01:02:03');
    t.same([unknown.status, unknown.body.errors], [404, ['certificate with serial 01:02:03 not found']]);
  });

  t.test('the audit trail keeps the names asked for in clear and hashes the generated key', async (t) => {
    const file = join(await tempDir(t, 'audit'), 'audit.log');
    t.equal((await enableFileDevice(url, token, 'pki-file', file)).status, 204);
    t.teardown(() => root('DELETE', 'sys/audit/pki-file'));
    const issued = await pki('POST', 'issue/web', { common_name: 'audited.example.com' });
    t.equal(issued.status, 200);
    const entry = (await readAuditLog(file)).find((line) => line.type === 'response' && line.request.path === 'pki/issue/web');
    t.equal(entry?.request.data.common_name, 'audited.example.com');
    t.equal(entry?.response?.data.serial_number, issued.body.data.serial_number);
    t.match(entry?.response?.data.private_key, /^hmac-sha256:/);
    t.notMatch(JSON.stringify(entry), /PRIVATE KEY/);
  });

  t.test('no_store: the generated key is returned once and not kept', async (t) => {
    t.equal((await pki('POST', 'roles/ephemeral', { config: 'web', allow_any_name: true, no_store: true, key_type: 'ec', key_bits: 384 })).status, 204);
    const issued = await pki('POST', 'issue/ephemeral', { common_name: 'short.example.com' });
    t.equal(issued.body.data.private_key_type, 'ec');
    t.match(issued.body.data.private_key, /PRIVATE KEY/);
    const record = await setup.server.lifecycle!.records.bySerial(issued.body.data.serial_number);
    t.equal(record?.private_key, '', 'the record keeps the certificate only');
    t.equal(record?.leaf_certificate.trim(), issued.body.data.certificate.trim());
  });

  t.test('ACL policies apply to PKI paths as everywhere', async (t) => {
    const policy = 'path "pki/sign/web" { capabilities = ["update"] }';
    t.equal((await root('PUT', 'sys/policies/acl/signer', { policy })).status, 204);
    const signer = (await root('POST', 'auth/token/create', { policies: ['signer'] })).body.auth.client_token;
    const { csr } = await opensslCsr(t, 'acl.example.com', ['DNS:acl.example.com']);
    t.equal((await as(signer)('POST', 'pki/sign/web', { csr })).status, 200);
    t.equal((await as(signer)('POST', 'pki/issue/web', { common_name: 'acl.example.com' })).status, 403);
    t.equal((await as(signer)('POST', 'pki/roles/web', { config: 'web' })).status, 403);
  });

  t.test('help, OpenAPI, and the paths that cannot map onto SCM', async (t) => {
    const help = await pki('GET', 'sign/web?help=1');
    t.match(help.body.help, /never a second purchase/);
    const openApi = (await root('GET', 'sys/internal/specs/openapi')).body;
    t.ok(openApi.paths['/pki/sign/{role}'], 'sign in the OpenAPI document');
    t.ok(openApi.paths['/pki/roles/{name}']);
    const rootCa = await pki('POST', 'root/generate/internal', { common_name: 'My Root' });
    t.same([rootCa.status, rootCa.body.errors], [400, ["root/generate/<type> is not supported: the CA is Sectigo's, held by SCM; scmpki orders certificates from it and never holds a CA key"]]);
    t.equal((await pki('GET', 'crl')).status, 400);
    const other = await root('POST', 'sys/mounts/kv', { type: 'kv' });
    t.same(other.body.errors, ['type: "kv" cannot be mounted; scmpki mounts PKI engines over SCM ("pki") only']);
    t.same((await root('POST', 'sys/mounts/sys', { type: 'pki' })).body.errors, ['path is already in use at sys/']);
  });
});

t.test('mounts and their roles survive a restart; an unmounted default stays unmounted', async (t) => {
  const first = await startTestServer(t, { log_level: 'warn' });
  const call = (method: string, path: string, body?: unknown) => vaultRequest(first.url, first.token, method, path, body);
  t.equal((await call('POST', 'sectigo-vault-pki/configs/web', { sectigo_cm_base_url: 'https://scm.example', sectigo_cm_user: 'u', sectigo_cm_password: 'p', sectigo_cm_uri: 'demo', sectigo_cm_org_id: 1, sectigo_config_type: 'ssl_cert' })).status, 204);
  t.equal((await call('POST', 'sys/mounts/pki_eu', { type: 'pki', description: 'EU' })).status, 204);
  t.equal((await call('POST', 'pki_eu/roles/eu', { config: 'web', allow_any_name: true })).status, 204);
  t.equal((await call('DELETE', 'sys/mounts/pki')).status, 204);
  t.same((await call('DELETE', 'sys/mounts/pki')).body.errors, ['no matching mount at "pki/"']);
  await first.close();

  const again = await startTestServer(t, { log_level: 'warn' }, { dataDir: first.dataDir, sealKey: first.sealKey });
  const call2 = (method: string, path: string, body?: unknown) => vaultRequest(again.url, first.token, method, path, body);
  const mounts = (await call2('GET', 'sys/mounts')).body.data;
  t.same(Object.keys(mounts).sort(), ['pki_eu/', 'sectigo-vault-pki/']);
  t.match(mounts['pki_eu/'], { type: 'pki', description: 'EU' });
  t.equal((await call2('GET', 'pki_eu/roles/eu')).body.data.config, 'web');
  t.equal((await call2('GET', 'pki/roles/eu')).status, 404, 'pki/ is gone');
  t.equal((await call2('DELETE', 'sys/mounts/pki_eu')).status, 204);
  t.equal((await call2('POST', 'sys/mounts/pki_eu', { type: 'pki' })).status, 204);
  t.equal((await call2('GET', 'pki_eu/roles/eu')).status, 404, 'unmounting deleted the roles');
});
