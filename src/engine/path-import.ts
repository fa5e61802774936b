import { NotFoundError } from '../errors.js';
import { definePath } from '../framework/path.js';
import { startImport } from '../lifecycle/import.js';
import type { ImportFilters } from '../lifecycle/import-jobs.js';
import type { EngineContext } from './context.js';

export const importPath = definePath<EngineContext>({
  pattern: 'import/:config',
  synopsis: 'Import the certificates SCM holds for a config entry that scmpki does not (inventory sync)',
  help: `**write** starts an import of the config's SCM account as a background job and answers at once with its
progress; while one runs, a write answers the running one (one import per config at a time). **read** answers
the running or last job's progress: \`state\` (\`running\`, \`done\`, \`failed\`, \`stopped\`), \`listed\`, \`total\` (SCM's
count, SSL only), \`created\`, \`updated\`, \`unchanged\`, \`skipped\`, \`failed\` and the first \`errors\`.

The import pages through SCM's list (SSL: \`GET /api/ssl/v1?status=…&size=200&position=…\`; client certificates:
\`GET /api/smime/v2?state=…\`) once per status, Issued, Expired and Revoked, and creates a record for each
certificate scmpki does not hold: no private key, \`imported: true\`, auto-renew off, SCM's status, serial, SANs
and expiry (SSL: from \`GET /api/ssl/v1/{sslId}\`). The certificate itself is collected when
\`fetch/<config>/<id>\` attaches its key. Records scmpki holds already (enrolled, fetched) are skipped. A later
run compares each listed certificate's id, status and serial with the stored record and looks up only new or
changed ones: an unchanged account costs list calls only. Every SCM call shares the server's
\`scm_max_concurrency\` limit.

\`wait=true\` answers when the job has finished (or the request's deadline is near), for small accounts and
scripts. Jobs are kept in memory: after a restart \`read\` is a 404 until the next import.`,
  fields: {
    status: { type: 'string', maxLength: 16, description: 'Only certificates in this SCM status: Issued, Expired or Revoked' },
    expiring_before: { type: 'string', maxLength: 40, description: 'Only certificates expiring before this date (2027-01-31 or RFC 3339)' },
    common_name: { type: 'string', minLength: 1, maxLength: 256, description: 'Only common names (client: e-mail) matching this pattern; * matches anything, case-insensitive' },
    wait: { type: 'boolean', description: 'Answer when the import has finished (default false)' },
  },
  operations: {
    update: async (req, ctx) => {
      const { imports } = ctx.lifecycle;
      const config = req.params.config;
      const { wait: _wait, ...filters } = req.data as ImportFilters & { wait?: boolean };
      const { job, started } = await startImport(ctx.lifecycle, config, filters);
      const warnings = started ? [] : [`an import of ${config} is already running (since ${job.started_at}); this is its progress`];
      if (req.data.wait !== true) return { data: { ...job }, warnings };
      const aborted = new Promise<void>((resolve) => req.signal.addEventListener('abort', () => resolve(), { once: true }));
      await Promise.race([imports.settled(config), aborted]);
      return { data: { ...imports.get(config) }, warnings };
    },
    read: async (req, ctx) => {
      const job = ctx.lifecycle.imports.get(req.params.config);
      if (!job) throw new NotFoundError(`no import of ${req.params.config} since the server started`);
      return { data: { ...job } };
    },
  },
});
