import { definePath } from '../framework/path.js';
import { enrollFields } from '../lifecycle/enroll-request.js';
import { enrollCertificate } from '../lifecycle/enroll.js';
import type { EngineContext } from './context.js';
import { recordResponse } from './record-response.js';

export const enrollPath = definePath<EngineContext>({
  pattern: 'enroll/:config',
  synopsis: 'Order a certificate from SCM and collect it',
  help: `Generates a key and CSR (unless \`sectigo_csr\` / \`sectigo_private_key\` are given), orders the
certificate from SCM with the config entry's credentials, stores the order with state \`Applied\`, then
collects every \`sectigo_loop_period\` seconds for up to \`sectigo_max_timeout\` seconds.

The answer is the certificate record, private key included. \`TimedoutStateSaved\` means SCM has not issued
yet: read \`certs/<config>/<cert_unique_id>\` later (a background collector keeps trying).
Config entry fields named like enroll fields are defaults; request values win.

Send an \`Idempotency-Key\` header (or \`idempotency_key\`) to make retries safe: for 24 h the same key returns
the first request's certificate and never orders again; the same key with a different payload is a 409.`,
  fields: enrollFields,
  operations: {
    update: async (req, ctx) =>
      recordResponse(
        await enrollCertificate(ctx.lifecycle, req.params.config, req.data, {
          idempotencyKey: req.headers['idempotency-key'],
          signal: req.signal,
        }),
      ),
  },
});
