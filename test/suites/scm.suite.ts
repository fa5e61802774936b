/** The SCM client. */
import { runSuite } from '../helpers/suite.js';

await runSuite(import.meta.url, [
  '../scm/client-simulator.test.ts',
  '../scm/client-cert-auth.test.ts',
  '../scm/retry.test.ts',
  '../scm/transport-faults.test.ts',
  '../scm/errors.test.ts',
  '../scm/requests.test.ts',
  '../scm/oauth2.test.ts',
  '../scm/tls-proxy.test.ts',
  '../scm/base-url.test.ts',
  '../scm/collect-classification.test.ts',
]);
