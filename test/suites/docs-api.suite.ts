/** docs/api.md, first session. */
import { runSuite } from '../helpers/suite.js';

await runSuite(import.meta.url, [
  '../repository/docs-examples-api.test.ts',
]);
