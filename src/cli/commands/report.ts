import { createClient, parseCommand, printSecret, reportApiErrors, requirePositionals, type CommandSpec, type Terminal } from '../command-context.js';
import { formatTable } from '../go-format.js';
import { LocalError } from '../local-error.js';
import { secretFromResponse } from '../vault-client.js';
import type { ExpiringCertificate } from '../../lifecycle/expiry-report.js';

const spec: CommandSpec = {
  string: ['within', 'config', 'state', 'mount'],
  default: { within: '30d', mount: 'sectigo-vault-pki' },
  usage: `
Usage: scmpki report expiring [options]

  Lists the certificates of every config (or -config) that expire within
  -within (default 30d), soonest first, from GET <mount>/reports/expiring.
  -format=csv writes one line per certificate for spreadsheets.

      $ scmpki report expiring -within=30d
      $ scmpki report expiring -within=90d -config=demo -state=Issued -format=csv > expiring.csv

Options: -within=DURATION  -config=NAME  -state=S1,S2  -mount=PATH (default sectigo-vault-pki)
         -format=table|json|yaml|csv  -address=URL  -ca-cert=FILE  -tls-skip-verify
`,
};


const COLUMNS = ['id', 'config', 'domain', 'sans', 'status', 'not_after', 'days_left', 'auto_renew', 'renewal_in_flight', 'last_error'] as const;

function cells(entry: ExpiringCertificate): string[] {
  return [
    entry.id,
    entry.config,
    entry.domain,
    entry.sans.join(' '),
    entry.status,
    entry.not_after,
    String(entry.days_left),
    String(entry.auto_renew),
    String(entry.renewal_in_flight),
    entry.last_error ? `${entry.last_error.code}: ${entry.last_error.description}` : '',
  ];
}

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
function csvLine(fields: string[]): string {
  return fields.map((field) => (/[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field)).join(',');
}

/** `-format=csv` is this command's own; the shared flag parser knows only Vault's formats. */
function takeCsvFormat(argv: string[]): { argv: string[]; csv: boolean } {
  const rest: string[] = [];
  let csv = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (/^--?format=csv$/i.test(arg)) csv = true;
    else if (/^--?format$/.test(arg) && argv[i + 1]?.toLowerCase() === 'csv') {
      csv = true;
      i++;
    } else rest.push(arg);
  }
  return { argv: rest, csv };
}

export async function reportCommand(rawArgv: string[], term: Terminal): Promise<number> {
  const [kind, ...afterKind] = rawArgv;
  if (kind !== 'expiring') {
    if (kind === undefined || /^--?h(elp)?$/.test(kind)) {
      term.stdout.write(`${spec.usage.trim()}\n`);
      return kind === undefined ? 1 : 0;
    }
    throw new LocalError(`Unknown report: ${kind} (reports: expiring)\n\n${spec.usage.trim()}`);
  }
  const { argv, csv } = takeCsvFormat(afterKind);
  const parsed = parseCommand(argv, spec, term);
  if (!parsed) return 0;
  requirePositionals(parsed, 0, 0, spec);
  const mount = String(parsed.flags.mount).replace(/^\/+|\/+$/g, '');
  const query = new URLSearchParams({ within: String(parsed.flags.within) });
  if (parsed.flags.config) query.set('config', String(parsed.flags.config));
  if (parsed.flags.state) query.set('state', String(parsed.flags.state));
  const client = await createClient(parsed, term.env);
  return reportApiErrors(term, `Error reading ${mount}/reports/expiring`, async () => {
    const secret = secretFromResponse(await client.request('GET', `${mount}/reports/expiring`, { query }), true);
    if (!secret?.data) {
      term.stderr.write(`No value found at ${mount}/reports/expiring\n`);
      return 2;
    }
    const entries = secret.data.certificates as ExpiringCertificate[];
    if (csv) {
      term.stdout.write([csvLine([...COLUMNS]), ...entries.map((entry) => csvLine(cells(entry)))].join('\n') + '\n');
      return 0;
    }
    if (parsed.format !== 'table') return printSecret(term, parsed, secret);
    const { count, expired, renewal_in_flight: renewing, with_errors: errors } = secret.data as Record<string, number>;
    if (entries.length > 0) term.stdout.write(`${formatTable(COLUMNS.map((c) => c.toUpperCase()), entries.map(cells))}\n\n`);
    term.stdout.write(`${count} expiring within ${parsed.flags.within}: ${expired} expired, ${renewing} renewal(s) in flight, ${errors} with errors\n`);
    return 0;
  });
}
