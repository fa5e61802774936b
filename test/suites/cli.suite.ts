/** The CLI: reading, writing, enrolling and logging in. */
import { runSuite } from '../helpers/suite.js';

await runSuite(import.meta.url, [
  '../cli/cli-enroll.test.ts',
  '../cli/cli-estate.test.ts',
  '../cli/cli-keystore.test.ts',
  '../cli/help-flags.test.ts',
  '../cli/cli-auth-commands.test.ts',
  '../cli/cli-approle.test.ts',
  '../cli/cli-commands.test.ts',
  '../cli/secret-output.test.ts',
  '../cli/kv-args.test.ts',
  '../cli/progress-line.test.ts',
  '../cli/client-config.test.ts',
]);
