import { UserError } from '../errors.js';
import { parseDurationSeconds } from '../framework/go-values.js';
import { checkName } from '../framework/names.js';
import { definePath } from '../framework/path.js';
import { expiryReport } from '../lifecycle/expiry-report.js';
import type { EngineContext } from './context.js';

const DEFAULT_WITHIN = '30d';

export const expiringReportPath = definePath<EngineContext>({
  pattern: 'reports/expiring',
  synopsis: 'Certificates of every config that expire within a window',
  help: `Reports the certificates whose \`not_after\` falls within \`within\` from now (default ${DEFAULT_WITHIN};
expired ones included), across every config or the one named by \`config\`, soonest first. It is read from the
summary index kept with every record, so it decrypts no record and asks SCM nothing.

Each entry: \`id\`, \`config\`, \`domain\`, \`sans\`, \`status\`, \`not_after\`, \`days_left\`, \`auto_renew\`,
\`renewal_in_flight\` (a renewal was sent to SCM and its certificate is not issued yet), \`renewal_id\`,
\`imported\` and \`last_error\` (SCM's code and words, or null). The totals \`count\`, \`expired\`,
\`auto_renew\`, \`renewal_in_flight\` and \`with_errors\` count those entries.

\`state\` (comma list) keeps only records in those states. Without it, revoked records and renewed ones whose
successor is issued (the successor is the certificate in use) are left out.`,
  fields: {
    within: { type: 'string', maxLength: 32, description: `How far ahead: 30d, 720h, 90m; a bare number is seconds (default ${DEFAULT_WITHIN})` },
    config: { type: 'string', maxLength: 128, description: 'Only this config\'s certificates' },
    state: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 64 }, maxItems: 16, description: 'Only records in these states (comma list), e.g. Issued,ErrorCode' },
  },
  operations: {
    read: async (req, ctx) => {
      const within = (req.data.within as string | undefined) ?? DEFAULT_WITHIN;
      const seconds = parseDurationSeconds(within);
      if (seconds === undefined) throw new UserError(`within: "${within}" is not a duration (e.g. 30d, 720h, or seconds)`);
      const config = req.data.config === undefined ? undefined : checkName('config', req.data.config as string);
      const report = await expiryReport(ctx.lifecycle, { withinMs: seconds * 1000, config, states: req.data.state as string[] | undefined });
      return { data: { ...report } };
    },
  },
});
