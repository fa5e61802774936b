/** The lifecycle: enroll, renew, indexes and background workers. */
import { runSuite } from '../helpers/suite.js';

await runSuite(import.meta.url, [
  '../lifecycle/enroll.test.ts',
  '../lifecycle/renew.test.ts',
  '../lifecycle/record-index.test.ts',
  '../lifecycle/workers-due.test.ts',
  '../lifecycle/estate.test.ts',
  '../lifecycle/workers/background-sync.test.ts',
]);
