/** The shell examples of the "api-changes" documents run as shown against a dev server (helpers/docs-examples.ts). */
import { t } from '../helpers/suite.js';
import { testDocumentGroup } from '../helpers/docs-examples.js';

await testDocumentGroup(t, 'api-changes');
