import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { t } from '../helpers/suite.js';
import { UserError } from '../../src/errors.js';
import { assertCallerKeyMatchesCsr } from '../../src/lifecycle/key-material.js';
import { inRequestTerms } from '../../src/lifecycle/request-field-names.js';
import {
  buildCsr,
  generateKeyPair,
  keyMatchesCsr,
  parseCsr,
  readPrivateKey,
  splitSubjectAltNames,
} from '../../src/pki/index.js';
import { openssl } from '../helpers/openssl.js';

const workDir = await mkdtemp(join(tmpdir(), 'scmpki-pki-'));
t.teardown(() => rm(workDir, { recursive: true, force: true }));

/** openssl reads keys from files: pipes to /dev/stdin are not available everywhere. */
async function keyFile(name: string, pem: string): Promise<string> {
  const path = join(workDir, name);
  await writeFile(path, pem, { mode: 0o600 });
  return path;
}

const rsa = await generateKeyPair({ algorithm: 'RSA', bits: 2048 });
const ec = await generateKeyPair({ algorithm: 'EC', curve: 'P-256' });
const rsaCsr = await buildCsr({ subject: { commonName: 'a.example.com' }, subjectAltNames: ['a.example.com'], privateKeyPem: rsa.privateKeyPem });

t.test('a key that does not belong to the CSR is a 400 naming sectigo_private_key', async (t) => {
  t.equal(keyMatchesCsr(rsa.privateKeyPem, rsaCsr), true);
  t.equal(keyMatchesCsr(ec.privateKeyPem, rsaCsr), false);
  t.doesNotThrow(() => assertCallerKeyMatchesCsr(rsa.privateKeyPem, rsaCsr));
  t.throws(() => assertCallerKeyMatchesCsr(ec.privateKeyPem, rsaCsr), {
    name: 'UserError',
    message: 'sectigo_private_key: does not match the public key of sectigo_csr',
  });
  const refused = (() => {
    try {
      assertCallerKeyMatchesCsr(ec.privateKeyPem, rsaCsr);
    } catch (error) {
      return error;
    }
  })();
  t.equal((refused as Error).constructor, UserError, 'exactly a UserError: the HTTP edge answers it with 400');
});

t.test('PKCS#1 and SEC1 private keys are read too', async (t) => {
  const pkcs1 = readPrivateKey(rsa.privateKeyPem).export({ type: 'pkcs1', format: 'pem' }).toString();
  t.match(pkcs1, /BEGIN RSA PRIVATE KEY/);
  t.equal(keyMatchesCsr(pkcs1, rsaCsr), true);
  const sec1 = readPrivateKey(ec.privateKeyPem).export({ type: 'sec1', format: 'pem' }).toString();
  const csr = await buildCsr({ subject: { commonName: 'ec.example.com' }, privateKeyPem: sec1 });
  t.equal(keyMatchesCsr(ec.privateKeyPem, csr), true);
});

t.test('PEM with literal \\n escapes or Windows line endings is normalised', async (t) => {
  const escaped = rsaCsr.replace(/\n/g, '\\n');
  const windows = rsaCsr.replace(/\n/g, '\r\n');
  const oneLine = rsaCsr.replace(/\n/g, '');
  for (const [name, text] of [['escaped', escaped], ['crlf', windows], ['no newlines', oneLine]]) {
    const parsed = await parseCsr(`  ${text}  `);
    t.equal(parsed.pem, rsaCsr, `${name} parses to the canonical PEM`);
  }
  t.equal(keyMatchesCsr(rsa.privateKeyPem.replace(/\n/g, '\\n'), windows), true);
});

t.test('malformed input is a UserError naming the field', async (t) => {
  await t.rejects(inRequestTerms(() => parseCsr('/home/me/request.csr')), {
    name: 'UserError',
    message: 'sectigo_csr: not a PEM certificate request (perhaps a file path was passed instead of its contents?)',
  });
  await t.rejects(inRequestTerms(() => parseCsr(rsa.privateKeyPem)), { message: /^sectigo_csr: not a PEM certificate request/ });
  await t.rejects(inRequestTerms(() => parseCsr('-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----')), {
    message: /^sectigo_csr: the PEM certificate request could not be decoded/,
  });
  await t.rejects(inRequestTerms(() => parseCsr('nonsense'), { csr: 'csr' }), { message: /^csr: not a PEM/ });
  t.throws(() => inRequestTerms(() => readPrivateKey('key.pem')), { message: /^sectigo_private_key: not a PEM private key \(perhaps a file path/ });
  t.throws(() => inRequestTerms(() => readPrivateKey('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----')), {
    message: /^sectigo_private_key: the PEM private key could not be read/,
  });
  t.throws(() => assertCallerKeyMatchesCsr(rsa.privateKeyPem, 'x'), { message: /^sectigo_csr:/ });
});

t.test('error messages never echo private key material', async (t) => {
  const damaged = rsa.privateKeyPem.replace(/\n[A-Za-z0-9+/]{64}\n/, '\n!!!!\n');
  const error = (() => {
    try {
      readPrivateKey(damaged);
    } catch (caught) {
      return caught as Error;
    }
  })();
  t.ok(error, 'a damaged key is refused');
  const body = rsa.privateKeyPem.split('\n')[2];
  t.notOk(error?.message.includes(body), 'no key line in the message');
});

t.test('encrypted private keys are refused with a clear message', async (t) => {
  const { privateKey } = generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  t.throws(() => inRequestTerms(() => readPrivateKey(privateKey)), { message: /^sectigo_private_key: encrypted private keys are not supported/ });
});

t.test('a CSR whose signature was tampered with is refused', async (t) => {
  const der = Buffer.from(rsaCsr.split('\n').slice(1, -2).join(''), 'base64');
  der[der.length - 5] ^= 0xff; // inside the signature BIT STRING
  const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----`;
  await t.rejects(inRequestTerms(() => parseCsr(tampered)), { message: /^sectigo_csr: the request's signature does not verify/ });
});

t.test('a CSR signed with an unsupported key is a 400', async (t) => {
  const ed = await openssl(['genpkey', '-algorithm', 'ed25519']);
  const edCsr = await openssl(['req', '-new', '-key', await keyFile('ed.pem', ed.stdout), '-subj', '/CN=ed.example.com']);
  t.equal(edCsr.code, 0, edCsr.stderr);
  await t.rejects(inRequestTerms(() => parseCsr(edCsr.stdout)), { name: 'UserError', message: /^sectigo_csr: ed25519 keys are not supported/ });

  const small = await openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024']);
  const smallCsr = await openssl(['req', '-new', '-key', await keyFile('small.pem', small.stdout), '-subj', '/CN=small.example.com']);
  await t.rejects(inRequestTerms(() => parseCsr(smallCsr.stdout)), { message: /^sectigo_csr: RSA 1024 keys are not supported/ });
  await t.rejects(inRequestTerms(() => buildCsr({ subject: { commonName: 'x.example.com' }, privateKeyPem: small.stdout })), {
    message: /^sectigo_private_key: RSA 1024 keys are not supported/,
  });
});

t.test('an openssl-made CSR parses (interoperability the other way)', async (t) => {
  const made = await openssl(['req', '-new', '-key', await keyFile('ec.pem', ec.privateKeyPem),
    '-subj', '/C=DE/O=Beispiel GmbH/CN=de.example.com', '-addext', 'subjectAltName=DNS:de.example.com,IP:10.1.2.3']);
  t.equal(made.code, 0, made.stderr);
  const parsed = await parseCsr(made.stdout);
  t.same(parsed.subject, { country: 'DE', organization: 'Beispiel GmbH', commonName: 'de.example.com' });
  t.same(parsed.subjectAltNames, ['de.example.com', '10.1.2.3']);
  t.same(parsed.keySpec, { algorithm: 'EC', curve: 'P-256' });
  t.equal(keyMatchesCsr(ec.privateKeyPem, made.stdout), true);
});

t.test('subject and SAN values are checked field by field', async (t) => {
  const build = (subject: Record<string, string>, subjectAltNames: string[] = []) =>
    inRequestTerms(() => buildCsr({ subject: { commonName: 'ok.example.com', ...subject }, subjectAltNames, privateKeyPem: ec.privateKeyPem }));
  await t.rejects(build({ country: 'Canada' }), { message: 'sectigo_csr_country: "Canada" is not a two-letter ISO 3166 country code' });
  await t.rejects(build({ country: 'C1' }), { message: /^sectigo_csr_country:/ });
  await t.rejects(build({ commonName: '  ' }), { message: 'sectigo_csr_domain: required to build a certificate request' });
  await t.rejects(build({ commonName: `${'a'.repeat(61)}.com` }), { message: 'sectigo_csr_domain: longer than 64 characters' });
  await t.rejects(build({ organization: 'o'.repeat(65) }), { message: /^sectigo_csr_organization:/ });
  await t.rejects(build({}, ['bad name.example.com']), {
    message: 'sectigo_ssl_cert_subject_alt_names: "bad name.example.com" is not a valid DNS name',
  });
  await t.rejects(build({}, ['IP:10.0.0.300']), { message: /^sectigo_ssl_cert_subject_alt_names: "10.0.0.300" is not an IP/ });
  await t.rejects(build({}, ['email:nobody']), { message: /is not an email address/ });
  // IA5String holds ASCII only, and a zone index names one host's interface.
  await t.rejects(build({}, ['jö@example.com']), { message: 'sectigo_ssl_cert_subject_alt_names: "jö@example.com" is not an ASCII email address' });
  await t.rejects(build({ emailAddress: 'jö@example.com' }), { message: 'sectigo_csr_email_address: "jö@example.com" is not an ASCII email address' });
  await t.rejects(build({}, ['IP:fe80::1%eth0']), { message: /^sectigo_ssl_cert_subject_alt_names: "fe80::1%eth0" is not an IP/ });
  const prefixed = await parseCsr(await build({}, ['DNS:ok.example.com', 'IP:10.0.0.1', 'email:a@example.com']));
  t.same(prefixed.subjectAltNames, ['ok.example.com', '10.0.0.1', 'a@example.com']);
});

t.test('splitSubjectAltNames takes the plugin comma string or an array', async (t) => {
  t.same(splitSubjectAltNames('a.example.com, b.example.com,,a.example.com '), ['a.example.com', 'b.example.com']);
  t.same(splitSubjectAltNames(['x.example.com', ' ', 'y.example.com']), ['x.example.com', 'y.example.com']);
  t.same(splitSubjectAltNames(undefined), []);
});
