/** docs/cli.md and docs/approle.md. */
import { runSuite } from '../helpers/suite.js';

await runSuite(import.meta.url, [
  '../repository/docs-examples-clients.test.ts',
]);
