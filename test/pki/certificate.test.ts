import { generateKeyPairSync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { t } from '../helpers/suite.js';
import { x509 } from '../../src/pki/x509-library.js';
import { inRequestTerms } from '../../src/lifecycle/request-field-names.js';
import {
  buildCsr,
  certificateMatchesKey,
  generateKeyPair,
  orderChain,
  parseCertificate,
  splitPemChain,
} from '../../src/pki/index.js';
import { openssl } from '../helpers/openssl.js';
import { createTestCa } from '../helpers/test-ca.js';
import { tempDir } from '../helpers/temp-dir.js';

const ca = await createTestCa();
const key = await generateKeyPair({ algorithm: 'RSA', bits: 2048 });
const otherKey = await generateKeyPair({ algorithm: 'EC', curve: 'P-256' });
const csr = await buildCsr({
  subject: { commonName: 'shop.example.com', organization: 'Example' },
  subjectAltNames: ['shop.example.com', '198.51.100.7'],
  privateKeyPem: key.privateKeyPem,
});
const notBefore = new Date('2026-01-02T03:04:05Z');
const notAfter = new Date('2027-01-02T03:04:05Z');
const leaf = await ca.issue(csr, { serialNumber: '0a1b2c3d', notBefore, notAfter });

t.test('parseCertificate reads what the record needs', async (t) => {
  const parsed = parseCertificate(leaf);
  t.equal(parsed.serialNumber, '0A:1B:2C:3D');
  t.equal(parsed.notBefore, '2026-01-02T03:04:05Z');
  t.equal(parsed.notAfter, '2027-01-02T03:04:05Z');
  t.equal(parsed.commonName, 'shop.example.com');
  t.match(parsed.subject, /CN=shop\.example\.com/);
  t.match(parsed.issuer, /CN=scmpki test intermediate/);
  t.same(parsed.subjectAltNames, ['shop.example.com', '198.51.100.7']);
  t.same(parsed.publicKey, { algorithm: 'RSA', bits: 2048 });
  t.equal(parsed.isCa, false);
  t.equal(parsed.pem, leaf);

  const fingerprint = await openssl(['x509', '-noout', '-fingerprint', '-sha256'], leaf);
  t.equal(`sha256 Fingerprint=${parsed.fingerprintSha256}`, fingerprint.stdout.trim(), 'same fingerprint as openssl');
  const serial = await openssl(['x509', '-noout', '-serial'], leaf);
  t.equal(serial.stdout.trim(), `serial=${parsed.serialNumber.replace(/:/g, '')}`, 'same serial as openssl');
});

t.test('a certificate parsed again is answered from memory, frozen, also under its canonical PEM', async (t) => {
  const first = parseCertificate(leaf);
  t.equal(parseCertificate(leaf), first, 'the same object');
  t.ok(Object.isFrozen(first) && Object.isFrozen(first.subjectAltNames) && Object.isFrozen(first.publicKey), 'that nobody can change');
  const untidy = `text before the block\n${leaf.replace(/\n/g, '\r\n')}`;
  const again = parseCertificate(untidy);
  t.equal(again.pem, leaf);
  t.equal(parseCertificate(again.pem), again, 'the canonical PEM finds what the untidy text decoded');
});

t.test('a serial with its top bit set keeps no DER sign byte', async (t) => {
  const cert = await ca.issue(csr, { serialNumber: '00ff0102' });
  t.equal(parseCertificate(cert).serialNumber, 'FF:01:02');
});

t.test('CA certificates and EC keys are described', async (t) => {
  const root = parseCertificate(ca.rootPem);
  t.equal(root.isCa, true);
  t.same(root.publicKey, { algorithm: 'EC', bits: 256, curve: 'P-256' });
  t.equal(root.subject, root.issuer);
});

t.test('malformed certificates are UserErrors naming the field', async (t) => {
  t.throws(() => parseCertificate('cert.pem'), { name: 'UserError', message: /^certificate: not a PEM certificate \(perhaps a file path/ });
  t.throws(() => parseCertificate(csr, 'sectigo_certificate'), { message: /^sectigo_certificate: not a PEM certificate/ });
  t.throws(() => parseCertificate('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----'), {
    message: /^certificate: the PEM certificate could not be decoded/,
  });
});

t.test('certificateMatchesKey compares public keys', async (t) => {
  t.equal(certificateMatchesKey(leaf, key.privateKeyPem), true);
  t.equal(certificateMatchesKey(leaf.replace(/\n/g, '\r\n'), key.privateKeyPem.replace(/\n/g, '\\n')), true);
  t.equal(certificateMatchesKey(leaf, otherKey.privateKeyPem), false);
  // A key made elsewhere (a caller's) is not among those the key pool remembers: OpenSSL decides.
  const callers = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const callersLeaf = await ca.issue(await buildCsr({ subject: { commonName: 'caller.example.com' }, privateKeyPem: callers }));
  t.equal(certificateMatchesKey(callersLeaf, callers), true);
  t.equal(certificateMatchesKey(callersLeaf, key.privateKeyPem), false);
  t.throws(() => certificateMatchesKey('x', key.privateKeyPem), { message: /^certificate: not a PEM certificate/ });
  t.throws(() => inRequestTerms(() => certificateMatchesKey(leaf, 'y')), { message: /^sectigo_private_key: not a PEM private key/ });
});

t.test('splitPemChain keeps certificates in order and ignores junk', async (t) => {
  const bundle = [
    'subject=CN = shop.example.com\r\n',
    leaf.replace(/\n/g, '\r\n'),
    'Bag Attributes: friendlyName\n',
    ca.intermediatePem,
    '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n',
    ca.rootPem,
    'trailing',
  ].join('\n');
  t.same(splitPemChain(bundle), [leaf, ca.intermediatePem, ca.rootPem]);
  t.same(splitPemChain('no certificates here'), []);
});

t.test('orderChain finds leaf, then issuer first, root last, from any order', async (t) => {
  const expected = { leaf, chain: [ca.intermediatePem, ca.rootPem] };
  const inputs = [
    [leaf, ca.intermediatePem, ca.rootPem],
    [ca.rootPem, ca.intermediatePem, leaf],
    [ca.intermediatePem, leaf, ca.rootPem],
    [ca.rootPem, leaf, ca.intermediatePem, leaf],
  ];
  for (const input of inputs) t.same(orderChain(input), expected);
  t.same(orderChain([ca.intermediatePem, leaf]), { leaf, chain: [ca.intermediatePem] }, 'no root sent');
  t.same(orderChain([leaf]), { leaf, chain: [] });
  t.same(orderChain([ca.rootPem, ca.intermediatePem]), { leaf: ca.intermediatePem, chain: [ca.rootPem] });
});

t.test('a certificate that links to nothing is kept after the path', async (t) => {
  const strangerCa = await createTestCa();
  const ordered = orderChain([strangerCa.rootPem, ca.rootPem, leaf, ca.intermediatePem]);
  t.equal(ordered.leaf, leaf);
  t.same(ordered.chain, [ca.intermediatePem, ca.rootPem, strangerCa.rootPem]);
});

t.test('a same-named CA with another key is not mistaken for the issuer', async (t) => {
  const impostor = await createTestCa(); // same subject names, different keys
  const ordered = orderChain([impostor.intermediatePem, ca.intermediatePem, leaf]);
  t.equal(ordered.leaf, leaf);
  t.equal(ordered.chain[0], ca.intermediatePem);
});

t.test('orderChain refuses an empty or broken list', async (t) => {
  t.throws(() => orderChain([]), { message: 'certificate: no certificates found' });
  t.throws(() => orderChain([leaf, 'junk']), { message: /^certificate\[1\]: not a PEM certificate/ });
});

t.test('parseCertificate reads the DER itself and agrees with the ASN.1 library on unusual certificates', async (t) => {
  const dir = await tempDir(t, 'odd-certs');
  const made = [
    // UTF-8, a multi-valued RDN, escapes, an e-mail attribute; notAfter after 2049 (GeneralizedTime)
    ['-newkey', 'rsa:2048', '-utf8', '-subj', '/CN=ü tf8 "q"+OU=multi/O=a\\,b;c=d/emailAddress=e@x.org', '-days', '10000'],
    // every SAN kind the record lists, IPv6 among them
    ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-subj', '/CN=a.example.com/O=Ex, Inc./C=US', '-addext', 'subjectAltName=DNS:a.example.com,IP:::1,email:x@example.com,URI:https://u.example.com/p'],
    // no common name, serial 0, Ed25519
    ['-newkey', 'ed25519', '-subj', '/O=NoCN', '-set_serial', '0'],
    // a serial longer than 64 bits with its sign byte
    ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-subj', '/CN=big', '-set_serial', '0x80112233445566778899'],
  ];
  for (const [i, args] of made.entries()) {
    const out = join(dir, `${i}.pem`);
    const made = await openssl(['req', '-x509', '-nodes', '-keyout', join(dir, `${i}.key`), '-out', out, ...args]);
    t.equal(made.code, 0, made.stderr);
    const pem = await readFile(out, 'utf8');
    const oracle = new (x509().X509Certificate)(pem);
    const { serialNumber, notBefore, notAfter, subject, issuer, commonName } = parseCertificate(pem);
    t.same({ serialNumber, notBefore, notAfter, subject, issuer, commonName }, {
      serialNumber: oracle.serialNumber.replace(/^(00)+(?=..)/, '').toUpperCase().match(/../g)!.join(':'),
      notBefore: oracle.notBefore.toISOString().replace('.000', ''),
      notAfter: oracle.notAfter.toISOString().replace('.000', ''),
      subject: oracle.subject,
      issuer: oracle.issuer,
      commonName: oracle.subjectName.getField('CN')[0],
    }, args.join(' '));
    const san = oracle.getExtension(x509().SubjectAlternativeNameExtension);
    t.same(parseCertificate(pem).subjectAltNames, san ? san.names.items.map((item) => item.value) : []);
  }
});
