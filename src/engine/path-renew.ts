import { definePath } from '../framework/path.js';
import { collectFields, enrollFields } from '../lifecycle/enroll-request.js';
import { renewCertificate } from '../lifecycle/renew.js';
import type { EngineContext } from './context.js';
import { recordOperation } from './record-response.js';

export const renewPath = definePath<EngineContext>({
  pattern: 'renew/:config/:id',
  synopsis: 'Renew a certificate at SCM now',
  help: `Renews at SCM whatever the expiry date (SSL: \`renewById\`; client: renew by order number), stores the new
record (\`renewed_from\`), marks the old one \`Renewed\` (\`renewed_to\`) and collects the new certificate as
enroll does. SCM reuses the original CSR and key unless \`sectigo_renew_new_key=true\` (SSL only), which sends a
fresh CSR for a new key of the same kind. \`sectigo_csr\` (with or without a matching \`sectigo_private_key\`) sends your
CSR instead; \`sectigo_private_key\` alone sends a CSR with the old subject made for your key. SCM renews client
certificates with their original request only: for those a CSR or key is refused with a 400 that points to
\`replace\`. The old certificate is not revoked. The key sent is stored as
\`pending_renewal\` before SCM is asked; when SCM's answer is lost, the next renewal adopts the order SCM placed
instead of ordering again.`,
  fields: {
    sectigo_renew_new_key: { type: 'boolean', description: 'Send a fresh CSR with a new key (SSL only; default false)' },
    sectigo_csr: { ...enrollFields.sectigo_csr, description: 'Your CSR for the renewal (SSL only; SCM renews by id with it)' },
    sectigo_private_key: {
      ...enrollFields.sectigo_private_key,
      description: 'Your key for the renewal (SSL only): must match sectigo_csr; alone, a CSR with the old subject is made for it',
    },
    ...collectFields,
  },
  operations: {
    update: recordOperation(renewCertificate, (data) => ({ ...data, newKey: data.sectigo_renew_new_key === true })),
  },
});
