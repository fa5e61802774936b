/** Starting the server: first start, settings, dev mode, slow clients. */
import { runSuite } from '../helpers/suite.js';

await runSuite(import.meta.url, [
  '../server/first-start.test.ts',
  '../server/slow-clients.test.ts',
  '../server/settings-and-dev.test.ts',
  '../server/background-settings.test.ts',
]);
