/** docs/api.md, the estate session. */
import { runSuite } from '../helpers/suite.js';

await runSuite(import.meta.url, [
  '../repository/docs-examples-api-estate.test.ts',
]);
