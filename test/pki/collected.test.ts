import 'reflect-metadata';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate, X509Certificates } from '@peculiar/x509';
import { t } from '../helpers/suite.js';
import { inRequestTerms } from '../../src/lifecycle/request-field-names.js';
import {
  buildCsr,
  COLLECT_FORMATS,
  CollectedBodyError,
  decodeCollected,
  generateKeyPair,
  parseCollectFormat,
} from '../../src/pki/index.js';
import { openssl } from '../helpers/openssl.js';
import { createTestCa } from '../helpers/test-ca.js';

const ca = await createTestCa();
const key = await generateKeyPair({ algorithm: 'EC', curve: 'P-256' });
const leaf = await ca.issue(
  await buildCsr({ subject: { commonName: 'collect.example.com' }, subjectAltNames: ['collect.example.com'], privateKeyPem: key.privateKeyPem }),
);
const { rootPem: root, intermediatePem: intermediate } = ca;

// The bodies SCM sends for each format (reference/scm-api.md §4.5), built from real certificates.
const pkcs7 = new X509Certificates([leaf, intermediate, root].map((pem) => new X509Certificate(pem)));
const crlf = (text: string) => text.replace(/\n/g, '\r\n');
const bodies: Record<string, { body: string | Buffer; leaf: string | null; chain: string[] }> = {
  pem: { body: [root, intermediate, leaf].join(''), leaf, chain: [intermediate, root] },
  x509: { body: [root, intermediate, leaf].join(''), leaf, chain: [intermediate, root] },
  x509R: { body: [leaf, intermediate, root].join(''), leaf, chain: [intermediate, root] },
  pemia: { body: [leaf, intermediate].join(''), leaf, chain: [intermediate] },
  x509CO: { body: leaf, leaf, chain: [] },
  pemco: { body: crlf(leaf), leaf, chain: [] },
  x509IO: { body: [root, intermediate].join(''), leaf: null, chain: [intermediate, root] },
  x509IOR: { body: [intermediate, root].join(''), leaf: null, chain: [intermediate, root] },
  base64: { body: pkcs7.export('pem'), leaf, chain: [intermediate, root] },
  bin: { body: Buffer.from(pkcs7.export('raw')), leaf, chain: [intermediate, root] },
};

t.test('every SCM collect format decodes to leaf + chain (issuer first)', async (t) => {
  t.same(Object.keys(bodies).sort(), [...COLLECT_FORMATS].sort(), 'every format has a case');
  for (const [format, expected] of Object.entries(bodies)) {
    t.same(decodeCollected(expected.body, format), { leaf: expected.leaf, chain: expected.chain }, format);
  }
});

t.test('the S/MIME default (no format) is PKCS#7 PEM, as openssl builds it', async (t) => {
  // node-forge cannot read EC certificates, so the second PKCS#7 encoder here is openssl's.
  const workDir = await mkdtemp(join(tmpdir(), 'scmpki-collected-'));
  t.teardown(() => rm(workDir, { recursive: true, force: true }));
  const certFile = join(workDir, 'certs.pem');
  await writeFile(certFile, [intermediate, leaf, root].join(''));
  const pemBody = await openssl(['crl2pkcs7', '-nocrl', '-certfile', certFile]);
  t.match(pemBody.stdout, /-----BEGIN PKCS7-----/);
  t.same(decodeCollected(pemBody.stdout), { leaf, chain: [intermediate, root] });
  t.same(decodeCollected(Buffer.from(pemBody.stdout)), { leaf, chain: [intermediate, root] }, 'as a Buffer');

  const derFile = join(workDir, 'certs.p7b');
  const der = await openssl(['crl2pkcs7', '-nocrl', '-certfile', certFile, '-outform', 'DER', '-out', derFile]);
  t.equal(der.code, 0, der.stderr);
  const derBody = await readFile(derFile);
  t.same(decodeCollected(derBody, 'bin'), { leaf, chain: [intermediate, root] });
  t.same(decodeCollected(derBody.toString('base64'), 'base64'), { leaf, chain: [intermediate, root] }, 'bare base64');
});

t.test('PKCS#7 bodies holding only the leaf', async (t) => {
  const only = new X509Certificates(new X509Certificate(leaf));
  t.same(decodeCollected(only.export('pem'), 'base64'), { leaf, chain: [] });
});

t.test('format names are matched case-insensitively and returned in SCM spelling', async (t) => {
  t.equal(parseCollectFormat('X509'), 'x509');
  t.equal(parseCollectFormat('x509co'), 'x509CO');
  t.equal(parseCollectFormat('X509IOR'), 'x509IOR');
  t.same(decodeCollected(bodies.x509R.body, 'X509R'), { leaf, chain: [intermediate, root] });
  t.throws(() => inRequestTerms(() => parseCollectFormat('pkcs12')), {
    name: 'UserError',
    message: /^sectigo_ssl_cert_format_type: "pkcs12" is not an SCM collect format/,
  });
  t.throws(() => inRequestTerms(() => decodeCollected(leaf, 'der')), { message: /^sectigo_ssl_cert_format_type:/ });
});

t.test('bodies that do not hold what the format promises', async (t) => {
  const empty = (() => {
    try {
      decodeCollected('  \n', 'x509CO');
    } catch (error) {
      return error;
    }
  })();
  t.ok(empty instanceof CollectedBodyError, 'an empty body is a CollectedBodyError');
  t.equal((empty as CollectedBodyError).empty, true, 'flagged empty (treat as not ready)');
  t.throws(() => decodeCollected(Buffer.alloc(0), 'bin'), { name: 'CollectedBodyError', empty: true });
  t.throws(() => decodeCollected('{"code":0,"description":"Being processed by Sectigo"}', 'pem'), {
    name: 'CollectedBodyError',
    empty: false,
    message: /holds no certificate/,
  });
  t.throws(() => decodeCollected('-----BEGIN PKCS7-----\nAAAA\n-----END PKCS7-----', 'base64'), {
    name: 'CollectedBodyError',
    message: /not a readable PKCS#7/,
  });
  t.throws(() => decodeCollected(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]), 'bin'), { name: 'CollectedBodyError' });
});
