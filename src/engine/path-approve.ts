import { definePath } from '../framework/path.js';
import type { FieldSchema } from '../field-schema.js';
import { approveOrder, declineOrder } from '../lifecycle/approval.js';
import type { EngineContext } from './context.js';
import { recordOperation } from './record-response.js';

const messageField = {
  message: { type: 'string', minLength: 1, maxLength: 512, description: 'Why, as SCM records it in the order history (1–512 characters; required)' },
} satisfies Record<string, FieldSchema>;

const withMessage = (data: Record<string, unknown>) => ({ message: data.message as string });

export const approvePath = definePath<EngineContext>({
  pattern: 'approve/:config/:id',
  synopsis: 'Approve an SSL order that waits for approval at SCM',
  help: `Approves the order at SCM (\`POST /api/ssl/v1/approve/{sslId}\` with \`message\`), for approvers who act
through scmpki under its policies rather than in SCM's web UI. The record must be one SCM still owes
(\`Applied\` or \`TimedoutStateSaved\`; its \`pending_reason\` says "awaiting approval at SCM since …").

scmpki keeps no approval state: after SCM accepts, the record is due for the background collector at once,
which collects the certificate when the CA has issued it (a read of \`certs/<config>/<id>\` collects too).
The answer is the record as it is, with a warning saying so. SCM refusing (e.g. -1112, the order is not
\`Requested\`) is a 400 with SCM's code and words. Client certificate configs are a 400: SCM's API approves
only SSL orders.`,
  fields: messageField,
  required: ['message'],
  operations: {
    update: recordOperation(approveOrder, withMessage),
  },
});

export const declinePath = definePath<EngineContext>({
  pattern: 'decline/:config/:id',
  synopsis: 'Decline an SSL order that waits for approval at SCM',
  help: `Declines the order at SCM (\`POST /api/ssl/v1/decline/{sslId}\` with \`message\`), then asks SCM once
about it, so the answer is the record with an \`ErrorCode\` entry in SCM's words
(\`SCM status Declined since MM/dd/yyyy: Certificate is not collectable.\`) and a warning repeating your
message. Same preconditions and errors as \`approve/<config>/<id>\`.`,
  fields: messageField,
  required: ['message'],
  operations: {
    update: recordOperation(declineOrder, withMessage),
  },
});
