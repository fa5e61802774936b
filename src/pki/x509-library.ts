/**
 * @peculiar/x509 (with the reflect-metadata it needs), loaded on first use:
 * loading it and its ASN.1 stack is about 100 ms that a starting server need
 * not pay before it parses a certificate or a CSR.
 */
import type * as X509 from '@peculiar/x509';
import { lazyModule } from '../lazy-module.js';

export const x509 = lazyModule<typeof X509>('@peculiar/x509', ['reflect-metadata']);
