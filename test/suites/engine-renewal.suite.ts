/** The engine's renewal paths: approval, renew, fetch, auto-renew on read. */
import { runSuite } from '../helpers/suite.js';

await runSuite(import.meta.url, [
  '../engine/approval.test.ts',
  '../engine/renew.test.ts',
  '../engine/fetch.test.ts',
  '../engine/read-renew-policy.test.ts',
]);
