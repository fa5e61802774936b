/** The SCM simulator. */
import { runSuite } from '../helpers/suite.js';

await runSuite(import.meta.url, [
  '../simulator/controls.test.ts',
  '../simulator/collect.test.ts',
  '../simulator/smime.test.ts',
  '../simulator/ssl-lifecycle.test.ts',
  '../simulator/ssl-enroll.test.ts',
]);
