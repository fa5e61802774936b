import { definePath } from '../framework/path.js';
import { collectFields } from '../lifecycle/enroll-request.js';
import { syncCertificate, syncConfig } from '../lifecycle/sync.js';
import type { EngineContext } from './context.js';
import { recordOperation } from './record-response.js';

export const syncPath = definePath<EngineContext>({
  pattern: 'sync/:config/:id',
  synopsis: 'Reconcile a certificate record with what SCM says about it now',
  help: `Asks SCM about an \`Issued\` certificate (SSL: \`GET /api/ssl/v1/{sslId}\`, collecting only when SCM's serial
differs; client certificates: collect) and brings the record up to date:

- revoked at SCM (e.g. in its web UI): the record becomes \`Revoked\`, with a history entry saying so;
- re-issued at SCM (new serial or expiry): SCM's certificate is collected, checked against the stored private
  key and stored, with an \`Issued\` history entry naming the old and new serial and expiry;
- re-issued for another key: nothing of the certificate or key is replaced; the record gets an \`ErrorCode\`
  entry (code -90001) and the answer is 409;
- expired: the certificate is kept and a warning says so.

The answer is the record, with a warning for each change; an unchanged record has no warning and only its
\`last_synced_at\` moves. A record SCM still owes (\`Applied\`, \`TimedoutStateSaved\`, \`Replaced\`,
\`ErrorCode\`) is collected, as a read of \`certs/<config>/<id>\` would, but never renewed. Other states
(\`Revoked\`, \`Renewed\`) are a 400 naming the state.`,
  fields: collectFields,
  operations: {
    update: recordOperation(syncCertificate),
  },
});

export const syncConfigPath = definePath<EngineContext>({
  pattern: 'sync/:config',
  synopsis: 'Reconcile every Issued certificate of a config entry with SCM',
  help: `Does what \`sync/<config>/<id>\` does for every \`Issued\` record of the config entry, as many at once as
the server's \`scm_max_concurrency\` allows. Pending records are left to the background collector.

The answer counts the records: \`checked\` (asked about), \`changed\` (re-issued or revoked at SCM, and
updated here), \`revoked\` (of those, revoked), \`failed\` (an SCM error or a key mismatch), and lists
\`changed_ids\`. Each change and each failure is also a warning naming the id.`,
  fields: {},
  operations: {
    update: async (req, ctx) => {
      const { warnings, ...counts } = await syncConfig(ctx.lifecycle, req.params.config);
      return { data: { ...counts }, warnings };
    },
  },
});
