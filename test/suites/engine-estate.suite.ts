/** The engine's estate paths: import, reports, listing, the plugin's samples. */
import { runSuite } from '../helpers/suite.js';

await runSuite(import.meta.url, [
  '../engine/import.test.ts',
  '../engine/import-filters.test.ts',
  '../engine/expiry-report.test.ts',
  '../engine/list-paging.test.ts',
  '../engine/samples.test.ts',
]);
