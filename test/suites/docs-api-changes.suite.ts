/** docs/api.md, the session that changes certificates. */
import { runSuite } from '../helpers/suite.js';

await runSuite(import.meta.url, [
  '../repository/docs-examples-api-changes.test.ts',
]);
