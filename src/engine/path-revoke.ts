import { definePath } from '../framework/path.js';
import { DEFAULT_REVOKE_REASON, revokeCertificate } from '../lifecycle/revoke.js';
import type { RevocationReasonCode } from '../scm/index.js';
import type { EngineContext } from './context.js';
import { recordOperation } from './record-response.js';

export const revokePath = definePath<EngineContext>({
  pattern: 'revoke/:config/:id',
  synopsis: 'Revoke a certificate at SCM; the record is kept with state Revoked',
  help: `Revokes the certificate at SCM (SSL: \`revoke/{sslId}\`; client: revoke by order number) and appends
\`Revoked\` to the record's history. The record stays in storage: revoking does not delete it.

\`sectigo_revoke_reason\` is the reason SCM records (1–512 characters). SCM requires one for SSL
certificates; when it is omitted scmpki sends "${DEFAULT_REVOKE_REASON}".
\`reason_code\` is the RFC 5280 reason: 0 unspecified (SCM's default), 1 keyCompromise,
3 affiliationChanged, 4 superseded, 5 cessationOfOperation.

A certificate SCM already revoked answers 400 with SCM's code and message (-159); a certificate SCM has not
issued yet answers 400 too (-102). The answer is the updated record.`,
  fields: {
    sectigo_revoke_reason: { type: 'string', maxLength: 512, description: `Reason SCM records (default "${DEFAULT_REVOKE_REASON}")` },
    reason_code: { type: 'integer', enum: [0, 1, 3, 4, 5], description: 'RFC 5280 reason code: 0, 1, 3, 4 or 5 (default 0)' },
  },
  operations: {
    update: recordOperation(revokeCertificate, (data) => ({
      reason: data.sectigo_revoke_reason as string | undefined,
      reasonCode: data.reason_code as RevocationReasonCode | undefined,
    })),
  },
});
