import { t } from '../helpers/suite.js';
import { inRequestTerms } from '../../src/lifecycle/request-field-names.js';
import {
  buildCsr,
  generateKeyPair,
  parseCsr,
  parseKeySpec,
  readPrivateKey,
  type KeySpec,
} from '../../src/pki/index.js';
import { openssl } from '../helpers/openssl.js';

t.test('parseKeySpec accepts the plugin and OpenSSL spellings', async (t) => {
  t.same(parseKeySpec('RSA', '2048'), { algorithm: 'RSA', bits: 2048 });
  t.same(parseKeySpec('rsa', 4096), { algorithm: 'RSA', bits: 4096 });
  t.same(parseKeySpec('Rsa', ' 3072 '), { algorithm: 'RSA', bits: 3072 });
  for (const size of ['P256', 'P-256', '256', 256, 'prime256v1', 'secp256r1', 'p-256']) {
    t.same(parseKeySpec('EC', size), { algorithm: 'EC', curve: 'P-256' }, `EC ${size}`);
  }
  t.same(parseKeySpec('ECDSA', 'P384'), { algorithm: 'EC', curve: 'P-384' });
  t.same(parseKeySpec('ecdsa', 'secp521r1'), { algorithm: 'EC', curve: 'P-521' });
  t.same(parseKeySpec('ec', '521'), { algorithm: 'EC', curve: 'P-521' });
});

t.test('parseKeySpec names the field that is wrong', async (t) => {
  t.throws(() => inRequestTerms(() => parseKeySpec('DSA', '2048')), { name: 'UserError', message: /^sectigo_csr_key_algo: "DSA"/ });
  t.throws(() => inRequestTerms(() => parseKeySpec(undefined, '2048')), { message: /^sectigo_csr_key_algo:/ });
  t.throws(() => inRequestTerms(() => parseKeySpec('RSA', '1024')), { message: /^sectigo_csr_key_size: "1024" is not a supported RSA/ });
  t.throws(() => inRequestTerms(() => parseKeySpec('RSA', 'P256')), { message: /^sectigo_csr_key_size:/ });
  t.throws(() => inRequestTerms(() => parseKeySpec('EC', '2048')), { message: /^sectigo_csr_key_size: "2048" is not a supported EC curve/ });
  t.throws(() => inRequestTerms(() => parseKeySpec('EC', 'P224')), { message: /^sectigo_csr_key_size:/ });
});

t.test('no size is the algorithm\'s usual one, as Vault\'s key_bits=0', async (t) => {
  t.same(parseKeySpec('EC', undefined), { algorithm: 'EC', curve: 'P-256' });
  t.same(parseKeySpec('ECDSA', null), { algorithm: 'EC', curve: 'P-256' });
  t.same(parseKeySpec('RSA', ''), { algorithm: 'RSA', bits: 2048 });
});

const SPECS: KeySpec[] = [
  { algorithm: 'RSA', bits: 2048 },
  { algorithm: 'RSA', bits: 3072 },
  { algorithm: 'RSA', bits: 4096 },
  { algorithm: 'EC', curve: 'P-256' },
  { algorithm: 'EC', curve: 'P-384' },
  { algorithm: 'EC', curve: 'P-521' },
];

const EXPECTED_SIGNATURE: Record<string, RegExp> = {
  RSA: /sha256WithRSAEncryption/,
  'P-256': /ecdsa-with-SHA256/,
  'P-384': /ecdsa-with-SHA384/,
  'P-521': /ecdsa-with-SHA512/,
};

for (const spec of SPECS) {
  const label = spec.algorithm === 'RSA' ? `RSA ${spec.bits}` : `EC ${spec.curve}`;
  t.test(`${label}: key generates, CSR verifies with openssl and parses back`, async (t) => {
    const key = await generateKeyPair(spec);
    t.match(key.privateKeyPem, /^-----BEGIN PRIVATE KEY-----\n/, 'PKCS#8 PEM');
    t.match(key.publicKeyPem, /^-----BEGIN PUBLIC KEY-----\n/);
    const details = readPrivateKey(key.privateKeyPem).asymmetricKeyDetails;
    if (spec.algorithm === 'RSA') t.equal(details?.modulusLength, spec.bits);
    else t.equal(details?.namedCurve, { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' }[spec.curve]);

    const csr = await buildCsr({
      subject: {
        commonName: 'www.example.com',
        emailAddress: 'pki@example.com',
        organization: 'Example "Quoted", Inc.',
        organizationalUnit: 'Plateforme Sécurité',
        locality: 'Ottawa',
        state: 'ON',
        country: 'ca',
      },
      subjectAltNames: ['www.example.com', 'example.com', '*.api.example.com', '192.0.2.10', '2001:db8::1', 'ops@example.com'],
      privateKeyPem: key.privateKeyPem,
    });
    t.match(csr, /^-----BEGIN CERTIFICATE REQUEST-----\n/);

    const verified = await openssl(['req', '-verify', '-noout', '-text'], csr);
    t.equal(verified.code, 0, `openssl accepts the CSR: ${verified.stderr}`);
    t.match(verified.stderr + verified.stdout, /verify OK/);
    t.match(verified.stdout, EXPECTED_SIGNATURE[spec.algorithm === 'RSA' ? 'RSA' : spec.curve]);
    t.match(verified.stdout, /DNS:www\.example\.com, DNS:example\.com, DNS:\*\.api\.example\.com, IP Address:192\.0\.2\.10, IP Address:2001:DB8:0:0:0:0:0:1, email:ops@example\.com/);
    t.match(verified.stdout, /emailAddress = pki@example\.com/);

    const parsed = await parseCsr(csr);
    t.same(parsed.subject, {
      country: 'CA',
      state: 'ON',
      locality: 'Ottawa',
      organization: 'Example "Quoted", Inc.',
      organizationalUnit: 'Plateforme Sécurité',
      commonName: 'www.example.com',
      emailAddress: 'pki@example.com',
    });
    t.same(parsed.subjectAltNames.slice(0, 4), ['www.example.com', 'example.com', '*.api.example.com', '192.0.2.10']);
    t.equal(parsed.subjectAltNames.length, 6);
    t.equal(parsed.subjectAltNames[5], 'ops@example.com');
    t.same(parsed.keySpec, spec);
    t.equal(parsed.publicKey.algorithm, spec.algorithm);
  });
}

t.test('a CSR without SANs or optional subject fields carries only the CN', async (t) => {
  const key = await generateKeyPair({ algorithm: 'EC', curve: 'P-256' });
  const csr = await buildCsr({ subject: { commonName: 'only.example.com' }, privateKeyPem: key.privateKeyPem });
  const parsed = await parseCsr(csr);
  t.same(parsed.subject, { commonName: 'only.example.com' });
  t.same(parsed.subjectAltNames, []);
  const text = await openssl(['req', '-noout', '-text'], csr);
  t.notMatch(text.stdout, /Subject Alternative Name/);
});
