/** Every other document. */
import { runSuite } from '../helpers/suite.js';

await runSuite(import.meta.url, [
  '../repository/docs-examples-other.test.ts',
]);
