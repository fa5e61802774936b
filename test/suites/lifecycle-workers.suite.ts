/** The lifecycle's indexes and the background workers that read them. */
import { runSuite } from '../helpers/suite.js';

await runSuite(import.meta.url, [
  '../lifecycle/record-index.test.ts',
  '../lifecycle/workers-due.test.ts',
  '../lifecycle/workers/background-sync.test.ts',
]);
