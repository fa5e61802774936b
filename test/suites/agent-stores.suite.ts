/** The agent writing PEM files and PKCS#12 key stores. */
import { runSuite } from '../helpers/suite.js';

await runSuite(import.meta.url, [
  '../cli/agent/agent.test.ts',
  '../cli/agent/agent-pkcs12.test.ts',
]);
