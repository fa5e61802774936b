import { JsonText } from '../framework/envelope.js';
import { definePath, type PathRequest } from '../framework/path.js';
import { collectFields, renewPolicyFields } from '../lifecycle/enroll-request.js';
import { readWithAutoRenew, readWithoutScm } from '../lifecycle/read-with-auto-renew.js';
import { listingEntry } from '../lifecycle/record-index.js';
import type { EngineContext } from './context.js';
import { recordOperation, recordResponse } from './record-response.js';

/** A reader without update on the path may narrow the record's auto-renew settings, never widen them. */
const readOptions = (data: Record<string, unknown>, req: PathRequest) => ({ ...data, mayWiden: req.may('update') });

export const certPath = definePath<EngineContext>({
  pattern: 'certs/:config/:id',
  synopsis: 'Read a certificate (collecting and auto-renewing as needed), or delete its local record',
  help: `**read** returns the stored record. If SCM still owes the certificate (\`Applied\`,
\`TimedoutStateSaved\`, or \`ErrorCode\` after you fixed the cause at SCM) it is collected first.
If the record is \`Issued\`, auto-renew is on and the certificate is within \`sectigo_expiry_window\` days of
expiry (or expired), it is renewed at SCM and the **new** record is returned with a warning; concurrent reads
share one renewal. Reading a renewed id returns the newest certificate of its chain.
\`sectigo_auto_renew\` and \`sectigo_expiry_window\` in the query override the record's own settings, but only a
caller with \`update\` on the path may widen them (switch auto-renew on, or lengthen the window): for a reader
the record's settings apply and a warning says so. A window at or beyond the certificate's life is cut to a
third of it (renewal at two thirds of the life, as cert-manager does), with a warning.

**delete** removes the local record only; SCM is not called and the certificate stays valid.`,
  fields: { ...collectFields, ...renewPolicyFields },
  operations: {
    read: recordOperation(readWithAutoRenew, readOptions),
    delete: async (req, ctx) => {
      const { records } = ctx.lifecycle;
      await records.require(req.params.config, req.params.id);
      await records.delete(req.params.config, req.params.id);
    },
  },
  // An issued record that is not due: what an application reading its certificate on a timer gets. It waits on
  // nothing, so it takes no signal (recordOperation's getter, made per request, cost more than the read).
  plainRead: async (req, ctx) => {
    const result = await readWithoutScm(ctx.lifecycle, req.params.config, req.params.id, readOptions(req.data, req));
    return result && recordResponse(result);
  },
});

export const certListPath = definePath<EngineContext>({
  pattern: 'certs/:config',
  synopsis: 'List the certificates stored under a config entry',
  help: `Lists the \`cert_unique_id\`s stored under the config entry, in id order. \`key_info\` gives, per id, the
domain, the current status, \`not_after\` and the days left, as Vault's \`-detailed\` listings do; it comes from an
index kept with every record, so listing reads no certificate.

\`limit\` and \`after\` page through a large estate as Vault's paginated LIST endpoints do: at most \`limit\` ids,
starting after the id \`after\`. Pass the last id of a page as \`after\` to get the next one.`,
  fields: {
    after: { type: 'string', maxLength: 256, description: 'List ids that sort after this one (paging)' },
    limit: { type: 'integer', minimum: 1, maximum: 100_000, description: 'Return at most this many ids (paging; default all)' },
  },
  operations: {
    list: async (req, ctx) => {
      // Written as JSON text as it is read: a 100,000-id answer builds no object per id.
      const keys: string[] = [];
      const info: string[] = [];
      const now = new Date();
      const page = { after: req.data.after as string | undefined, limit: req.data.limit as number | undefined };
      for await (const summaries of ctx.lifecycle.records.summaries(req.params.config, page)) {
        for (const [id, summaryJson] of summaries) {
          const quoted = JSON.stringify(id);
          keys.push(quoted);
          info.push(`${quoted}:${listingEntry(summaryJson, now)}`);
        }
      }
      if (keys.length === 0) return undefined;
      return { data: new JsonText(`{"keys":[${keys.join(',')}],"key_info":{${info.join(',')}}}`) };
    },
  },
});
