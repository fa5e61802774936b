/**
 * The collect formats of reference/scm-api.md §4.5 and their chain orders.
 * The orders come from what production clients rely on: `pem`/`x509` are
 * root first and leaf last, `x509R` is leaf first.
 */
import 'reflect-metadata';
import type * as x509 from '@peculiar/x509';
import { explicit, octetString, oid, pem, sequence, set, smallInteger } from './der.js';

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

/**
 * The leaf stays the PEM text it was issued as: collect is the hottest call a
 * benchmark makes, and parsing the certificate only to print it again bought
 * nothing.
 */
export function renderCollect(format: CollectFormat, chain: IssuedChain): CollectBody {
  const leaf = { pem: chain.leaf, der: Buffer.from(chain.leaf.replace(/-----[^-]+-----|\s/g, ''), 'base64') };
  const [intermediate, root] = [chain.intermediate, chain.root].map((c) => ({ pem: c.toString('pem'), der: Buffer.from(c.rawData) }));
  const pemChain = (certs: { pem: string }[]): CollectBody => ({
    body: Buffer.from(certs.map((c) => c.pem).join('\n') + '\n'),
    extension: 'crt',
  });
  switch (format) {
    case 'x509':
    case 'pem':
      return pemChain([root, intermediate, leaf]);
    case 'x509R':
      return pemChain([leaf, intermediate, root]);
    case 'x509CO':
    case 'pemco':
      return pemChain([leaf]);
    case 'pemia':
      return pemChain([leaf, intermediate]);
    case 'x509IO':
      return pemChain([root, intermediate]);
    case 'x509IOR':
      return pemChain([intermediate, root]);
    case 'base64':
      // SCM labels its PKCS#7 `PKCS7`; @peculiar/x509 would say `CMS`.
      return { body: Buffer.from(pem(pkcs7([leaf.der, intermediate.der, root.der]), 'PKCS7') + '\n'), extension: 'p7b' };
    case 'bin':
      return { body: pkcs7([leaf.der, intermediate.der, root.der]), extension: 'p7b' };
  }
}

/**
 * A certificates-only SignedData (RFC 5652 §5.1, "degenerate" PKCS#7) in the
 * layout @peculiar/x509's X509Certificates.export wrote: version 1, no digest
 * algorithms, empty data content, no signers.
 */
function pkcs7(certificates: Buffer[]): Buffer {
  return sequence(
    oid('1.2.840.113549.1.7.2'),
    explicit(
      0,
      sequence(
        smallInteger(1),
        set(),
        sequence(oid('1.2.840.113549.1.7.1'), explicit(0, octetString(Buffer.alloc(0)))),
        explicit(0, ...certificates),
        set(),
      ),
    ),
  );
}
