/** The repository itself: architecture rules, the route table, the docs' markers, the suites, the compose file, the README's examples. */
import { runSuite } from '../helpers/suite.js';

await runSuite(import.meta.url, [
  '../architecture.test.ts',
  '../framework/route-family.test.ts',
  '../repository/docs-examples-markers.test.ts',
  '../repository/suites.test.ts',
  '../repository/compose.test.ts',
  '../repository/docs-examples-readme.test.ts',
]);
