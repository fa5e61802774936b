/** Tokens, policies and what they allow. */
import { runSuite } from '../helpers/suite.js';

await runSuite(import.meta.url, [
  '../auth/token-tree.test.ts',
  '../auth/engine-access.test.ts',
  '../auth/token-store.test.ts',
  '../auth/policy-endpoints.test.ts',
  '../auth/policy-language.test.ts',
  '../auth/acl.test.ts',
]);
