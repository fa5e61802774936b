/** The engine's input checks and PKCS#12 output. */
import { runSuite } from '../helpers/suite.js';

await runSuite(import.meta.url, [
  '../engine/bad-input-corpus.test.ts',
  '../engine/request-fields.test.ts',
  '../engine/pkcs12.test.ts',
]);
