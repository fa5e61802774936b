import { definePath } from '../framework/path.js';
import { keyStoreOf } from '../lifecycle/key-store.js';
import type { EngineContext } from './context.js';

export const pkcs12Path = definePath<EngineContext>({
  pattern: 'pkcs12/:config/:id',
  synopsis: 'A stored certificate, its chain and key as a PKCS#12 key store (.p12/.pfx)',
  help: `Builds a PKCS#12 key store from the stored record for hosts that take nothing else (Java, Windows):
the private key, the leaf and the CA chain (issuer first), under \`password\`. The leaf and the key carry
\`friendly_name\` (the alias keytool and Windows show; default: the record's \`cert_unique_id\`). The answer's
\`pkcs12\` is the key store, base64-encoded.

The password travels in the request body (\`POST\`/\`PUT\`), never in the URL: URLs end up in access logs.
Like \`readcert\`, it reads storage only (no SCM call, no renewal) and follows renewals to the newest
certificate. A record without a private key (enrolled with only a CSR, or fetched without its key) is a 400;
one not issued yet is a 409.

\`encryption\`: \`aes256\` (default; PBES2 with AES-256 and a SHA-256 MAC, what OpenSSL 3 writes) or \`3des\`
(3DES with a SHA-1 MAC, for Windows Server 2016 and Java before 8u301).`,
  fields: {
    password: { type: 'string', minLength: 1, maxLength: 1024, secret: true, description: 'Password of the key store (required)' },
    friendly_name: { type: 'string', maxLength: 128, description: 'Alias of the key and leaf (default: cert_unique_id)' },
    encryption: { type: 'string', enum: ['aes256', '3des'], description: 'aes256 (default) or 3des for older Windows and Java' },
  },
  required: ['password'],
  operations: {
    update: async (req, ctx) => {
      const data = req.data as { password: string; friendly_name?: string; encryption?: 'aes256' | '3des' };
      const { record, friendlyName, pkcs12 } = await keyStoreOf(ctx.lifecycle, req.params.config, req.params.id, data);
      return {
        data: {
          cert_unique_id: record.cert_unique_id,
          friendly_name: friendlyName,
          encryption: data.encryption ?? 'aes256',
          not_after: record.not_after,
          pkcs12: pkcs12.toString('base64'),
        },
      };
    },
  },
});
