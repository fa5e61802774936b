/** The agent over AppRole, and its configuration and files. */
import { runSuite } from '../helpers/suite.js';

await runSuite(import.meta.url, [
  '../cli/agent/agent-approle.test.ts',
  '../cli/agent/agent-config.test.ts',
  '../cli/agent/atomic-files.test.ts',
]);
