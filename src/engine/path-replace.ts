import { definePath } from '../framework/path.js';
import { collectFields, enrollFields } from '../lifecycle/enroll-request.js';
import { DEFAULT_REPLACE_REASON, replaceCertificate } from '../lifecycle/replace.js';
import type { EngineContext } from './context.js';
import { recordOperation } from './record-response.js';

export const replacePath = definePath<EngineContext>({
  pattern: 'replace/:config/:id',
  synopsis: 'Replace a certificate at SCM with a new key; same SCM id',
  help: `Asks SCM to re-issue the certificate under the same id for a new CSR (SSL: \`replace/{sslId}\`;
client: replace by order number), then collects it as enroll does.

By default scmpki generates a new key of the same kind and a CSR with the old subject; \`sectigo_csr_key_algo\`
/ \`sectigo_csr_key_size\` ask for another kind, \`sectigo_ssl_cert_common_name\` and
\`sectigo_ssl_cert_subject_alt_names\` for a new name (SSL). Or send \`sectigo_csr\` (and \`sectigo_private_key\`,
which must match it). \`sectigo_replace_reason\` defaults to "${DEFAULT_REPLACE_REASON}".
Give \`sectigo_ssl_cert_type\` / \`sectigo_client_cert_type\` to check the new key against a stored profile.

The new key is stored as \`pending_replacement\` before SCM is asked; the record's \`private_key\` and
\`certificate\` stay the old, matching pair until the new certificate is collected, then the new key takes
their place. State \`Replaced\` means SCM accepted and the new certificate is not collected yet: read
\`certs/<config>/<id>\` later. If SCM's answer is lost, retrying the replace reuses the stored new key.`,
  fields: {
    sectigo_replace_reason: { type: 'string', maxLength: 512, description: `Reason SCM records (default "${DEFAULT_REPLACE_REASON}")` },
    sectigo_ssl_cert_common_name: { type: 'string', maxLength: 64, description: 'New common name (SSL; default: the current one)' },
    sectigo_ssl_cert_subject_alt_names: enrollFields.sectigo_ssl_cert_subject_alt_names,
    sectigo_csr: enrollFields.sectigo_csr,
    sectigo_private_key: enrollFields.sectigo_private_key,
    sectigo_csr_key_algo: { ...enrollFields.sectigo_csr_key_algo, description: 'Key algorithm of the new key: RSA, EC or ECDSA (default: as the old key)' },
    sectigo_csr_key_size: { ...enrollFields.sectigo_csr_key_size, description: 'Size or curve of the new key (default: as the old key)' },
    sectigo_ssl_cert_type: enrollFields.sectigo_ssl_cert_type,
    sectigo_client_cert_type: enrollFields.sectigo_client_cert_type,
    sectigo_client_cert_revoke_on_replace: { type: 'boolean', description: 'Client certificates: SCM revokes the old one as part of the replace' },
    ...collectFields,
  },
  operations: {
    update: recordOperation(replaceCertificate),
  },
});
