/** The wire layer, sys/ paths, real Vault clients and metrics. */
import { runSuite } from '../helpers/suite.js';

await runSuite(import.meta.url, [
  '../http/wire.test.ts',
  '../http/bad-input.test.ts',
  '../http/sealed.test.ts',
  '../http/sys-storage-paths.test.ts',
  '../http/logger-paths.test.ts',
  '../http/scm-faults.test.ts',
  '../http/node-vault.test.ts',
  '../http/hvac.test.ts',
  '../http/hvac-approle.test.ts',
  '../http/hot-read.test.ts',
  '../http/access-line.test.ts',
  '../metrics/server-metrics.test.ts',
  '../metrics/request-histogram.test.ts',
]);
