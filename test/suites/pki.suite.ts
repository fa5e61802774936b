/** Keys, CSRs and certificates. */
import { runSuite } from '../helpers/suite.js';

await runSuite(import.meta.url, [
  '../pki/key-pool.test.ts',
  '../pki/keys.test.ts',
  '../pki/csr-encoding.test.ts',
  '../pki/csr-input.test.ts',
  '../pki/certificate.test.ts',
  '../pki/collected.test.ts',
]);
