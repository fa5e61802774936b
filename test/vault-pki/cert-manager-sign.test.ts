/**
 * cert-manager's Vault issuer against a PKI mount: exactly the request its
 * `Sign` sends (every value a string), the answer decoded as it decodes it
 * (certificate, issuing_ca and ca_chain joined into one chain that must parse
 * leaf first), and its retries while SCM has not issued.
 */
import { t } from '../helpers/suite.js';
import { X509Certificate } from 'node:crypto';
import { setUp, SSL_CONFIG } from '../helpers/engine-fixture.js';
import { opensslCsr } from '../helpers/openssl-csr.js';
import { opensslVerify } from '../helpers/openssl-verify.js';
import { vaultRequest } from '../helpers/vault-api.js';

/** cert-manager's `Sign` body: internal/vault/vault.go. */
function certManagerBody(csr: string, commonName: string, dnsNames: string[], duration = '2160h0m0s') {
  return { common_name: commonName, alt_names: dnsNames.join(','), ip_sans: '', uri_sans: '', ttl: duration, csr, exclude_cn_from_sans: 'true' };
}

/**
 * What cert-manager does with the answer: join ca_chain, issuing_ca and
 * certificate, then order the certificates into one chain from the leaf (the
 * one no other names as issuer) up; anything that does not link is an error.
 */
function decodeAsCertManager(data: { certificate: string; issuing_ca: string; ca_chain: string[] }): X509Certificate[] {
  const joined = [...data.ca_chain, data.issuing_ca, data.certificate].join('\n');
  const pems = joined.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  const unique = new Map(pems.map((pem) => [new X509Certificate(pem).fingerprint256, new X509Certificate(pem)]));
  const certs = [...unique.values()];
  const leaf = certs.filter((cert) => !certs.some((other) => other !== cert && other.checkIssued(cert) && other.subject === cert.issuer && cert.ca));
  const leaves = certs.filter((cert) => !cert.ca);
  if (leaves.length !== 1 || leaf.length === 0) throw new Error(`expected one leaf, got ${leaves.length}`);
  const chain = [leaves[0]!];
  while (chain.length < certs.length) {
    const issuer = certs.find((cert) => chain.at(-1)!.checkIssued(cert) && !chain.includes(cert));
    if (!issuer) throw new Error('the certificates do not form one chain');
    chain.push(issuer);
  }
  return chain;
}

t.test('cert-manager Vault issuer', async (t) => {
  const setup = await setUp(t, { issueDelayMs: 0 });
  const pki = (method: string, path: string, body?: unknown) => vaultRequest(setup.server.url, setup.server.token, method, `pki/${path}`, body);
  await setup.writeConfig('web', SSL_CONFIG);
  // A config whose requests give up on SCM after 0.3 s: the pending answer comes quickly.
  await setup.writeConfig('slow', { ...SSL_CONFIG, sectigo_max_timeout: 0.3 });
  const role = { allowed_domains: 'example.com', allow_subdomains: 'true' };
  t.equal((await pki('POST', 'roles/web-servers', { config: 'web', ...role })).status, 204);
  t.equal((await pki('POST', 'roles/slow-servers', { config: 'slow', ...role })).status, 204);

  t.test('sys/health, then sign/<role> with its exact body: one chain, leaf first, that openssl verifies', async (t) => {
    const health = await fetch(`${setup.server.url}/v1/sys/health`);
    t.equal(health.status, 200);
    const { csr, privateKey } = await opensslCsr(t, 'app.example.com', ['DNS:app.example.com', 'DNS:www.app.example.com']);
    const reply = await pki('POST', 'sign/web-servers', certManagerBody(csr, 'app.example.com', ['app.example.com', 'www.app.example.com']));
    t.equal(reply.status, 200, reply.body.errors?.join('; ') ?? 'issued');
    const data = reply.body.data;
    const chain = decodeAsCertManager(data);
    const [leaf] = chain;
    t.match(leaf!.subject, /CN=app\.example\.com/);
    t.ok(leaf!.checkPrivateKey((await import('node:crypto')).createPrivateKey(privateKey)), 'the certificate is for the CSR\'s key');
    t.equal(chain.length, 1 + data.ca_chain.length, 'every CA in ca_chain links');
    t.equal(data.serial_number, leaf!.serialNumber.toLowerCase().replace(/^(00)+/, '').replace(/(..)(?=.)/g, '$1:'), 'serial as Vault writes it');
    t.equal(data.expiration, Math.floor(Date.parse(leaf!.validTo) / 1000));
    const days = (Date.parse(leaf!.validTo) - Date.parse(leaf!.validFrom)) / 86_400_000;
    t.ok(days >= 90 && days <= 366, `a 90-day request gets the shortest SCM term that covers it (${days} days)`);
    const verdict = await opensslVerify({ root: setup.sim.caChainPem.root, intermediate: data.ca_chain.join('\n') }, data.certificate);
    t.match(verdict.output, /leaf\.pem: OK$/);
  });

  t.test('while SCM has not issued: 503 with Retry-After saying to retry, and the retries share one SCM order', async (t) => {
    await setup.sim.controls.updateSettings({ issueDelayMs: 2_500 });
    t.teardown(() => setup.sim.controls.updateSettings({ issueDelayMs: 0 }));
    await setup.sim.controls.resetCounters();
    const { csr } = await opensslCsr(t, 'queue.example.com', ['DNS:queue.example.com']);
    const body = certManagerBody(csr, 'queue.example.com', ['queue.example.com']);
    const first = await fetch(`${setup.server.url}/v1/pki/sign/slow-servers`, {
      method: 'POST',
      headers: { 'X-Vault-Token': setup.server.token },
      body: JSON.stringify(body),
    });
    t.equal(first.status, 503, '503: the status the Vault Go client retries by itself');
    t.equal(first.headers.get('retry-after'), '5');
    const [message] = ((await first.json()) as { errors: string[] }).errors;
    t.match(message, /^SCM has not issued the certificate yet \(order \d+_demo, status TimedoutStateSaved\); retry the same request/);
    // Retry as the Go client does until SCM has issued; every retry is the same request.
    let reply = await pki('POST', 'sign/slow-servers', body);
    for (let attempt = 0; reply.status === 503 && attempt < 200; attempt++) reply = await pki('POST', 'sign/slow-servers', body);
    t.equal(reply.status, 200, reply.body.errors?.join('; ') ?? 'issued');
    t.match(decodeAsCertManager(reply.body.data)[0]!.subject, /CN=queue\.example\.com/);
    const again = await pki('POST', 'sign/slow-servers', body);
    t.equal(again.body.data.serial_number, reply.body.data.serial_number, 'a retry after issue returns the same certificate');
    t.equal((await setup.sim.controls.counters()).enroll, 1, 'one SCM order across every retry');
  });

  t.test('issue while SCM has not issued: the same idempotency_key returns the same order and its key', async (t) => {
    await setup.sim.controls.updateSettings({ issueDelayMs: 2_500 });
    t.teardown(() => setup.sim.controls.updateSettings({ issueDelayMs: 0 }));
    await setup.sim.controls.resetCounters();
    const body = { common_name: 'batch.example.com', idempotency_key: 'batch-run-1' };
    const first = await pki('POST', 'issue/slow-servers', body);
    t.equal(first.status, 503);
    t.match(first.body.errors[0], /retry with the same idempotency_key to get it \(no second order is placed\)$/);
    let reply = await pki('POST', 'issue/slow-servers', body);
    for (let attempt = 0; reply.status === 503 && attempt < 200; attempt++) reply = await pki('POST', 'issue/slow-servers', body);
    t.equal(reply.status, 200, reply.body.errors?.join('; ') ?? 'issued');
    t.match(reply.body.data.private_key, /BEGIN PRIVATE KEY/, 'the key generated by the first request');
    t.equal((await setup.sim.controls.counters()).enroll, 1, 'one SCM order');
  });

  t.test('a request re-made with the same key (an EC signature differs every time) is the same request', async (t) => {
    t.equal((await pki('POST', 'roles/ec-servers', { config: 'web', key_type: 'ec', ...role })).status, 204);
    const rsa = await opensslCsr(t, 'rsa.example.com', ['DNS:rsa.example.com']);
    const refused = await pki('POST', 'sign/ec-servers', certManagerBody(rsa.csr, 'rsa.example.com', ['rsa.example.com']));
    t.same([refused.status, refused.body.errors], [400, ['role requires keys of type ec']]);
    await setup.sim.controls.resetCounters();
    const { csr, privateKey } = await opensslCsr(t, 'ec.example.com', ['DNS:ec.example.com'], 'ec:P-256');
    const first = await pki('POST', 'sign/ec-servers', certManagerBody(csr, 'ec.example.com', ['ec.example.com']));
    t.equal(first.status, 200, first.body.errors?.join('; ') ?? 'issued');
    const resigned = await opensslCsr(t, 'ec.example.com', ['DNS:ec.example.com'], privateKey);
    t.not(resigned.csr, csr, 'a new signature');
    const second = await pki('POST', 'sign/ec-servers', certManagerBody(resigned.csr, 'ec.example.com', ['ec.example.com']));
    t.equal(second.status, 200, second.body.errors?.join('; ') ?? 'issued');
    t.equal(second.body.data?.serial_number, first.body.data.serial_number);
    t.match(second.body.warnings, [/^returning the certificate of the first sign request for this CSR and role \(\d+_demo\); no new order was placed$/]);
    t.equal((await setup.sim.controls.counters()).enroll, 1);
  });
});
