/** Audit devices, and AppRole, whose tests read the audit log. */
import { runSuite } from '../helpers/suite.js';

await runSuite(import.meta.url, [
  '../audit/devices.test.ts',
  '../audit/hashing.test.ts',
  '../audit/lifecycle-audit.test.ts',
  '../audit/sighup.test.ts',
  '../auth/approle.test.ts',
  '../auth/approle-store.test.ts',
]);
