/** Replicas over PostgreSQL: coordination, failover, a database restart. */
import { runSuite } from '../helpers/suite.js';

await runSuite(import.meta.url, [
  '../cluster/coordination.test.ts',
  '../cluster/replicas.test.ts',
  '../cluster/replica-failover.test.ts',
  '../cluster/postgres-restart.test.ts',
]);
