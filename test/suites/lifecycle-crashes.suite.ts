/** The lifecycle across crashes, lost answers and restarts. */
import { runSuite } from '../helpers/suite.js';

await runSuite(import.meta.url, [
  '../lifecycle/crash-recovery.test.ts',
  '../lifecycle/interrupted-enroll.test.ts',
  '../lifecycle/interrupted-renewal.test.ts',
  '../lifecycle/idempotency-restart.test.ts',
]);
