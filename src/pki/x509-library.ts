/**
 * @peculiar/x509 (with the reflect-metadata it needs), loaded on first use:
 * loading it and its ASN.1 stack is about 100 ms that a starting server need
 * not pay before it parses a certificate or a CSR.
 */
import { createRequire } from 'node:module';
import type * as X509 from '@peculiar/x509';

const require = createRequire(import.meta.url);
let loaded: typeof X509 | undefined;

export function x509(): typeof X509 {
  if (!loaded) {
    require('reflect-metadata');
    loaded = require('@peculiar/x509') as typeof X509;
  }
  return loaded;
}
