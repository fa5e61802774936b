import { definePath } from '../framework/path.js';
import { collectFields, enrollFields, renewPolicyFields } from '../lifecycle/enroll-request.js';
import { fetchCertificate } from '../lifecycle/fetch.js';
import type { EngineContext } from './context.js';
import { recordOperation } from './record-response.js';

export const fetchPath = definePath<EngineContext>({
  pattern: 'fetch/:config/:id',
  synopsis: 'Import a certificate from SCM (or read it, if already stored)',
  help: `When \`<id>\` is already stored this is exactly a read of \`certs/<config>/<id>\` (collect if pending,
auto-renew if due).

Otherwise \`<id>\` (\`<ssl_id>_<sectigo_cm_uri>\`, or \`<order_number>_<sectigo_cm_uri>\` for client
certificates) is looked up at SCM with the config entry's credentials, collected and stored as a new record.
The customer URI in the id must be the config's \`sectigo_cm_uri\`. SCM does not hold private keys, so the
record has none unless \`sectigo_private_key\` is sent; it must belong to the certificate (400 otherwise).
An id SCM does not know, or a certificate it will not hand out (revoked), is a 4xx with SCM's code and
message, and nothing is stored. A certificate SCM has not issued yet is stored as \`Applied\` and collected
like an enroll.`,
  fields: {
    sectigo_private_key: { ...enrollFields.sectigo_private_key, description: 'PEM private key of the certificate, stored with it' },
    sectigo_ssl_cert_format_type: enrollFields.sectigo_ssl_cert_format_type,
    ...collectFields,
    ...renewPolicyFields,
  },
  operations: {
    update: recordOperation(fetchCertificate),
  },
});
