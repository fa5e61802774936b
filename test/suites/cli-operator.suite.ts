/** The CLI's operator commands: backup, restore, migration, rotation. */
import { runSuite } from '../helpers/suite.js';

await runSuite(import.meta.url, [
  '../cli/operator-backup-restore.test.ts',
  '../cli/operator-migrate-storage.test.ts',
  '../cli/operator-commands.test.ts',
  '../cli/operator-rotate.test.ts',
]);
