import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { t } from '../helpers/suite.js';
import { COLLECT_FORMATS } from '../../src/simulator/formats.js';
import { enrollIssued, makeCsr, pemBlocks, scmCall, type KeySpec } from '../helpers/scm-test-client.js';
import { startTestSimulator } from '../helpers/test-simulator.js';
import { opensslVerify } from '../helpers/openssl-verify.js';
import { SIMULATOR_LOGIN } from '../helpers/scm-connection.js';

t.test('collect answers 400 "being processed" until issued, in the configured style', async (t) => {
  const sim = await startTestSimulator(t, { issueDelayMs: 60_000 });
  const { sslId } = await enrollIssued(sim);
  const pending = await scmCall(sim, 'GET', `/api/ssl/v1/collect/${sslId}/x509CO`);
  t.equal(pending.status, 400);
  t.same(pending.json, { code: 0, description: 'Being processed by Sectigo' });
  await sim.controls.updateSettings({ pendingStyle: -1400 });
  const alt = await scmCall(sim, 'GET', `/api/ssl/v1/collect/${sslId}?format=x509CO`);
  t.same(alt.json, { code: -1400, description: 'The request is being processed by Sectigo.' });
  await sim.controls.updateSettings({ pendingStyle: -183 });
  t.same((await scmCall(sim, 'GET', `/api/ssl/v1/collect/${sslId}`)).json, {
    code: -183,
    description: 'Certificate is not collectable.',
  });
  const details = await scmCall(sim, 'GET', `/api/ssl/v1/${sslId}`);
  t.equal(details.json.status, 'Applied');
  t.notOk('issued' in details.json, 'absent fields are omitted, not null');

  await sim.controls.updateSettings({ issueDelayMs: 0 });
  const later = await enrollIssued(sim);
  t.equal((await scmCall(sim, 'GET', `/api/ssl/v1/collect/${later.sslId}/x509CO`)).status, 200);
});

t.test('every format in both URL styles, with the documented chain orders', async (t) => {
  const sim = await startTestSimulator(t);
  const { sslId } = await enrollIssued(sim, await makeCsr(), { subjAltNames: 'www.example.com' });
  const root = new x509.X509Certificate(sim.caChainPem.root);
  const intermediate = new x509.X509Certificate(sim.caChainPem.intermediate);
  const expected: Record<string, string[]> = {
    x509: ['root', 'intermediate', 'leaf'],
    pem: ['root', 'intermediate', 'leaf'],
    x509R: ['leaf', 'intermediate', 'root'],
    x509CO: ['leaf'],
    pemco: ['leaf'],
    pemia: ['leaf', 'intermediate'],
    x509IO: ['root', 'intermediate'],
    x509IOR: ['intermediate', 'root'],
  };
  const role = (cert: x509.X509Certificate) =>
    cert.subject === root.subject ? 'root' : cert.subject === intermediate.subject ? 'intermediate' : 'leaf';

  let leafSerial: string | undefined;
  for (const format of COLLECT_FORMATS) {
    for (const path of [`/api/ssl/v1/collect/${sslId}/${format}`, `/api/ssl/v1/collect/${sslId}?format=${format}`]) {
      const response = await fetch(`${sim.url}${path}`, { headers: SIMULATOR_LOGIN });
      t.equal(response.status, 200, path);
      t.match(response.headers.get('content-type'), /^application\/octet-stream/, path);
      t.match(response.headers.get('content-disposition'), /^attachment; filename="app_example_com\.(crt|p7b)"$/);
      const body = Buffer.from(await response.arrayBuffer());
      let certs: x509.X509Certificate[];
      if (format === 'base64') {
        t.match(body.toString(), /^-----BEGIN PKCS7-----\n/, 'base64 is PEM PKCS#7');
        certs = [...new x509.X509Certificates(body.toString().replace('PKCS7', 'CMS').replace('PKCS7', 'CMS'))];
      } else if (format === 'bin') {
        t.equal(body[0], 0x30, 'bin is DER');
        certs = [...new x509.X509Certificates(body)];
      } else {
        certs = pemBlocks(body.toString());
        t.same(certs.map(role), expected[format], `${path} chain order`);
      }
      if (format === 'base64' || format === 'bin') t.same(certs.map(role).sort(), ['intermediate', 'leaf', 'root']);
      const leaf = certs.find((c) => role(c) === 'leaf');
      if (leaf) {
        leafSerial ??= leaf.serialNumber;
        t.equal(leaf.serialNumber, leafSerial, 'every format carries the same leaf');
      }
    }
  }
  const bad = await scmCall(sim, 'GET', `/api/ssl/v1/collect/${sslId}/pkcs99`);
  t.same(bad.json, { code: -126, description: 'Unknown SSL certificate file format requested: pkcs99' });
  const unknown = await scmCall(sim, 'GET', '/api/ssl/v1/collect/424242/x509CO');
  t.same([unknown.status, unknown.json.code], [400, -124]);
});

t.test('issued leaf: subject and SANs from CSR and request, proper extensions, term honoured', async (t) => {
  const sim = await startTestSimulator(t);
  const csr = await makeCsr({ kind: 'EC', curve: 'P-256' }, { dnsNames: ['csr-san.example.com'] });
  const { sslId } = await enrollIssued(sim, csr, { subjAltNames: 'extra.example.com,10.1.2.3', term: 730 });
  const [leaf] = pemBlocks((await scmCall(sim, 'GET', `/api/ssl/v1/collect/${sslId}/x509CO`)).text);
  t.equal(leaf.subject, 'CN=app.example.com, O=Example, C=DE');
  const sans = leaf.getExtension(x509.SubjectAlternativeNameExtension)!.names.toJSON();
  t.same(
    sans.map((n) => `${n.type}:${n.value}`),
    ['dns:app.example.com', 'dns:extra.example.com', 'ip:10.1.2.3', 'dns:csr-san.example.com'],
  );
  t.equal(leaf.getExtension(x509.BasicConstraintsExtension)!.ca, false);
  t.same(leaf.getExtension(x509.ExtendedKeyUsageExtension)!.usages, [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]);
  t.equal(leaf.getExtension(x509.KeyUsagesExtension)!.usages, x509.KeyUsageFlags.digitalSignature);
  t.ok(leaf.getExtension(x509.SubjectKeyIdentifierExtension));
  t.equal(
    leaf.getExtension(x509.AuthorityKeyIdentifierExtension)!.keyId,
    new x509.X509Certificate(sim.caChainPem.intermediate).getExtension(x509.SubjectKeyIdentifierExtension)!.keyId,
  );
  const days = (leaf.notAfter.getTime() - leaf.notBefore.getTime()) / 86_400_000;
  t.equal(Math.round(days), 730);
  const csrKey = new x509.Pkcs10CertificateRequest(csr).publicKey;
  t.same(Buffer.from(leaf.publicKey.rawData), Buffer.from(csrKey.rawData), 'signed the key of the CSR');
});

t.test('RSA and EC certificates pass openssl verify against the simulator chain; serials are unique', async (t) => {
  const sim = await startTestSimulator(t);
  const specs: KeySpec[] = [
    { kind: 'RSA', bits: 2048 },
    { kind: 'RSA', bits: 3072 },
    { kind: 'RSA', bits: 4096 },
    { kind: 'EC', curve: 'P-256' },
    { kind: 'EC', curve: 'P-384' },
    { kind: 'EC', curve: 'P-521' },
  ];
  const serials = new Set<string>();
  for (const spec of specs) {
    const { sslId } = await enrollIssued(sim, await makeCsr(spec));
    const leafPem = (await scmCall(sim, 'GET', `/api/ssl/v1/collect/${sslId}/x509CO`)).text;
    const verdict = await opensslVerify(sim.caChainPem, leafPem);
    t.equal(verdict.code, 0, `${JSON.stringify(spec)}: ${verdict.output}`);
    t.match(verdict.output, /leaf\.pem: OK/);
    const details = await scmCall(sim, 'GET', `/api/ssl/v1/${sslId}`);
    t.equal(details.json.keyType, spec.kind === 'RSA' ? `RSA - ${spec.bits}` : `EC - ${spec.curve}`);
    serials.add(details.json.serialNumber);
  }
  t.equal(serials.size, specs.length);
});
