/** The engine's order paths: sync, replace, revoke, profile. */
import { runSuite } from '../helpers/suite.js';

await runSuite(import.meta.url, [
  '../engine/sync.test.ts',
  '../engine/replace.test.ts',
  '../engine/revoke.test.ts',
  '../engine/profile.test.ts',
  '../engine/paths.test.ts',
]);
