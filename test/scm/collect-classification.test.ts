/** Every "not issued yet" form in reference/scm-api.md is pending; real refusals are failed. */
import { t } from '../helpers/suite.js';
import { classifyCollectError, isPendingCollectError, ScmError } from '../../src/scm/index.js';

t.test('pending forms', async (t) => {
  const pending: Array<[string, ScmError]> = [
    ['SSL not ready (code 0)', new ScmError(400, 0, 'Being processed by Sectigo')],
    ['documented -1400', new ScmError(400, -1400, 'The request is being processed by Sectigo.')],
    ['-1400 with another status', new ScmError(404, -1400, 'The request is being processed by Sectigo.')],
    ['S/MIME -183', new ScmError(400, -183, 'Certificate is not collectable.')],
    ['-109 try again later', new ScmError(400, -109, 'Certificate is not available now, please try again later.')],
    ['-103 not collected yet', new ScmError(400, -103, 'Certificate has not been collected yet.')],
    ['-1113 not ready to be applied', new ScmError(400, -1113, 'SSL certificate is not ready to be applied. Current certificate state is Requested.')],
    ['"being processed" under another code', new ScmError(400, -1, 'Request is being processed')],
    ['"not yet issued" text', new ScmError(400, -39, 'Certificate not yet issued')],
    ['empty 200 body', new ScmError(200, 0, 'Being processed by Sectigo (SCM returned an empty certificate)')],
    ['SCM unreachable', new ScmError(0, -1, 'ECONNRESET', true)],
    ['SCM 503', new ScmError(503, -1, 'HTTP 503 with an empty body')],
    ['SCM 429', new ScmError(429, 429, 'Too many requests')],
  ];
  for (const [name, error] of pending) {
    t.equal(classifyCollectError(error), 'pending', name);
    t.ok(isPendingCollectError(error), name);
  }
});

t.test('failed forms', async (t) => {
  const failed: Array<[string, unknown]> = [
    ['revoked -110', new ScmError(400, -110, 'Certificate has been revoked and cannot be downloaded.')],
    ['S/MIME revoked -192', new ScmError(400, -192, 'The Certificate has been revoked!')],
    ['bad format -126', new ScmError(400, -126, 'Unknown SSL certificate file format requested: foo')],
    ['bad format -1450', new ScmError(400, -1450, 'Unsupported certificate format specified: foo')],
    ['unknown id -124', new ScmError(404, -124, 'Wrong SSL certificate id 9.')],
    ['bad credentials', new ScmError(401, -16, 'Unknown user')],
    ['empty 400', new ScmError(400, -1, 'HTTP 400 with an empty body')],
    ['not an ScmError', new TypeError('bug')],
  ];
  for (const [name, error] of failed) t.equal(classifyCollectError(error), 'failed', name);
});
