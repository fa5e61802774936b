/** Storage through its interface: sealing, the read cache, copying, key rotation. */
import { runSuite } from '../helpers/suite.js';

await runSuite(import.meta.url, [
  '../storage/storage.test.ts',
  '../storage/secrets-at-rest.test.ts',
  '../storage/key-rotation.test.ts',
  '../storage/read-cache.test.ts',
  '../storage/copy-store.test.ts',
]);
