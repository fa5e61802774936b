/**
 * The collect formats of reference/scm-api.md §4.5 and their chain orders.
 * The orders come from what production clients rely on: `pem`/`x509` are
 * root first and leaf last, `x509R` is leaf first.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

export const COLLECT_FORMATS = [
  'x509',
  'x509CO',
  'x509IO',
  'x509IOR',
  'x509R',
  'pem',
  'pemco',
  'pemia',
  'base64',
  'bin',
] as const;
export type CollectFormat = (typeof COLLECT_FORMATS)[number];

export function isCollectFormat(value: string): value is CollectFormat {
  return (COLLECT_FORMATS as readonly string[]).includes(value);
}

export interface IssuedChain {
  leaf: string;
  intermediate: x509.X509Certificate;
  root: x509.X509Certificate;
}

export interface CollectBody {
  body: Buffer;
  /** File extension for Content-Disposition, as SCM names its downloads. */
  extension: 'crt' | 'p7b';
}

export function renderCollect(format: CollectFormat, chain: IssuedChain): CollectBody {
  const leaf = new x509.X509Certificate(chain.leaf);
  const { intermediate, root } = chain;
  const pem = (certs: x509.X509Certificate[]): CollectBody => ({
    body: Buffer.from(certs.map((c) => c.toString('pem')).join('\n') + '\n'),
    extension: 'crt',
  });
  switch (format) {
    case 'x509':
    case 'pem':
      return pem([root, intermediate, leaf]);
    case 'x509R':
      return pem([leaf, intermediate, root]);
    case 'x509CO':
    case 'pemco':
      return pem([leaf]);
    case 'pemia':
      return pem([leaf, intermediate]);
    case 'x509IO':
      return pem([root, intermediate]);
    case 'x509IOR':
      return pem([intermediate, root]);
    case 'base64':
      return { body: Buffer.from(pkcs7Pem([leaf, intermediate, root])), extension: 'p7b' };
    case 'bin':
      return { body: Buffer.from(pkcs7Der([leaf, intermediate, root])), extension: 'p7b' };
  }
}

function pkcs7Der(certs: x509.X509Certificate[]): ArrayBuffer {
  return new x509.X509Certificates(certs).export('raw');
}

/** SCM labels its PKCS#7 `PKCS7`; @peculiar/x509 would say `CMS`. */
function pkcs7Pem(certs: x509.X509Certificate[]): string {
  return x509.PemConverter.encode(pkcs7Der(certs), 'PKCS7') + '\n';
}
