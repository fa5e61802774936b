import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { t } from '../helpers/suite.js';
import { buildCsr, generateKeyPair, parseCsr, type CsrSubject, type KeySpec } from '../../src/pki/index.js';
import { openssl } from '../helpers/openssl.js';

const workDir = await mkdtemp(join(tmpdir(), 'scmpki-csr-encoding-'));
t.teardown(() => rm(workDir, { recursive: true, force: true }));

// Our strings are PrintableString where the value allows, UTF8String
// otherwise; this mask makes openssl req choose the same way (it writes C as
// PrintableString and emailAddress as IA5String on its own, as we do).
const config = join(workDir, 'req.cnf');
await writeFile(config, '[req]\ndistinguished_name = dn\nstring_mask = MASK:0x2002\nutf8 = yes\n[dn]\n');

const OPENSSL_NAMES: Array<[keyof CsrSubject, string]> = [
  ['country', 'C'], ['state', 'ST'], ['locality', 'L'], ['organization', 'O'],
  ['organizationalUnit', 'OU'], ['commonName', 'CN'], ['emailAddress', 'emailAddress'],
];

/** What `openssl req -new` writes for the same key, subject and SANs, as DER. */
async function opensslCsr(keyPem: string, subject: CsrSubject, subjectAltNames: string[]): Promise<Buffer> {
  const keyPath = join(workDir, `key-${Math.random().toString(36).slice(2)}.pem`);
  await writeFile(keyPath, keyPem, { mode: 0o600 });
  const subj = OPENSSL_NAMES.filter(([key]) => subject[key])
    .map(([key, name]) => `/${name}=${subject[key]!.replace(/[\\/+]/g, (c) => `\\${c}`)}`)
    .join('');
  const sans = subjectAltNames.map((name) => (isIP(name) ? `IP:${name}` : name.includes('@') ? `email:${name}` : `DNS:${name}`));
  const args = ['req', '-new', '-key', keyPath, '-config', config, '-subj', subj];
  if (sans.length > 0) args.push('-addext', `subjectAltName=${sans.join(',')}`);
  const made = await openssl(args);
  if (made.code !== 0) throw new Error(made.stderr);
  return der(made.stdout);
}

const der = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');

/** The CertificationRequestInfo: the first element inside the outer SEQUENCE. */
function requestInfo(csr: Buffer): Buffer {
  const skipHeader = (at: number) => (csr[at + 1] & 0x80 ? at + 2 + (csr[at + 1] & 0x7f) : at + 2);
  const start = skipHeader(0);
  const lengthBytes = csr[start + 1] & 0x80 ? csr[start + 1] & 0x7f : 0;
  const length = lengthBytes === 0 ? csr[start + 1] : csr.readUIntBE(start + 2, lengthBytes);
  return csr.subarray(start, skipHeader(start) + length);
}

const CASES: Array<{ name: string; spec: KeySpec; subject: CsrSubject & { commonName: string }; sans: string[] }> = [
  {
    name: 'RSA 2048, every subject attribute, every SAN kind',
    spec: { algorithm: 'RSA', bits: 2048 },
    subject: {
      country: 'DE', state: 'Bayern', locality: 'München', organization: 'Acme "Q" \\ Ltd / Co',
      organizationalUnit: 'Ops', commonName: 'a.example.com', emailAddress: 'ops@example.com',
    },
    sans: ['a.example.com', '*.b.example.com', '10.0.0.1', '::1', '2001:db8::8:800:200c:417a', '::ffff:192.0.2.1', 'fe80::', 'x@example.com'],
  },
  { name: 'EC P-256, a CN alone', spec: { algorithm: 'EC', curve: 'P-256' }, subject: { commonName: 'ec.example.com' }, sans: [] },
  {
    name: 'EC P-384, a client certificate subject',
    spec: { algorithm: 'EC', curve: 'P-384' },
    subject: { commonName: 'Jo Doe', emailAddress: 'jo@example.com' },
    sans: ['jo@example.com'],
  },
  {
    name: 'EC P-521, values that are not PrintableString',
    spec: { algorithm: 'EC', curve: 'P-521' },
    subject: { organization: 'A&B_C', commonName: 'x_y.example.com' },
    sans: ['x_y.example.com'],
  },
];

for (const { name, spec, subject, sans } of CASES) {
  t.test(`${name}: the request openssl req writes for the same input`, async (t) => {
    const key = await generateKeyPair(spec);
    const ours = await buildCsr({ subject, subjectAltNames: sans, privateKeyPem: key.privateKeyPem });
    const theirs = await opensslCsr(key.privateKeyPem, subject, sans);
    if (spec.algorithm === 'RSA') {
      // PKCS#1 v1.5 signatures are deterministic, so the whole request matches.
      t.equal(der(ours).toString('hex'), theirs.toString('hex'), 'byte for byte');
    } else {
      t.equal(requestInfo(der(ours)).toString('hex'), requestInfo(theirs).toString('hex'), 'what is signed matches byte for byte');
    }
    const verified = await openssl(['req', '-verify', '-noout'], ours);
    t.equal(verified.code, 0, verified.stderr);
    t.same((await parseCsr(ours)).subjectAltNames.length, sans.length);
  });
}
