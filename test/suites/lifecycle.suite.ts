/** The lifecycle: enroll, renew, and an estate of many records. */
import { runSuite } from '../helpers/suite.js';

await runSuite(import.meta.url, [
  '../lifecycle/enroll.test.ts',
  '../lifecycle/renew.test.ts',
  '../lifecycle/estate.test.ts',
]);
