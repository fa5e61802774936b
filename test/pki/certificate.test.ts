import { t } from '../helpers/suite.js';
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
