/** Each backend's own behaviour: LevelDB across a crash mid-rotation, PostgreSQL's schema and outages. */
import { runSuite } from '../helpers/suite.js';

await runSuite(import.meta.url, [
  '../storage/rotation-crash.test.ts',
  '../storage/postgres/outage.test.ts',
  '../storage/postgres/schema.test.ts',
]);
