/**
 * `scmpki scm-simulator [-listen 127.0.0.1:8201] [-login demo] [-password demo]
 * [-customer-uri demo] [-issue-delay 2s] [-data-dir DIR] [-approval-required]
 * [-pending-code 0|-1400|-183]`: runs until SIGINT/SIGTERM.
 */
import { pino } from 'pino';
import { PENDING_CODES, startSimulator, type PendingCode } from '../../simulator/index.js';
import type { Terminal } from '../command-context.js';
import { parseGoFlags } from '../go-flags.js';

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration: "2s", "500ms", "1m30s"; a bare "0" is allowed too. */
export function parseGoDuration(text: string): number {
  if (text === '0') return 0;
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    throw new Error(`invalid duration "${text}": want e.g. 2s, 500ms, 1m30s`);
  }
  return Math.round(parts.reduce((sum, [, value, unit]) => sum + Number(value) * UNIT_MS[unit], 0));
}

export async function runSimulatorCommand(argv: string[], term: Terminal): Promise<number> {
  const { flags, positionals } = parseGoFlags(argv, {
    string: ['listen', 'login', 'password', 'customer-uri', 'issue-delay', 'data-dir', 'pending-code', 'client-id', 'client-secret'],
    boolean: ['approval-required', 'h', 'help'],
    default: { listen: '127.0.0.1:8201', login: 'demo', password: 'demo', 'customer-uri': 'demo', 'issue-delay': '2s' },
  });
  if (flags.h || flags.help) {
    term.stdout.write(USAGE);
    return 0;
  }
  const logger = pino({ name: 'scm-simulator', redact: ['password', 'clientSecret'] });
  try {
    if (positionals.length > 0) throw new Error(`unexpected arguments: ${positionals.join(' ')}`);
    const pendingCode = flags['pending-code'] === undefined ? undefined : Number(flags['pending-code']);
    if (pendingCode !== undefined && !PENDING_CODES.includes(pendingCode as PendingCode)) {
      throw new Error(`invalid -pending-code "${String(flags['pending-code'])}": want 0, -1400 or -183`);
    }
    const simulator = await startSimulator({
      listen: String(flags.listen),
      login: String(flags.login),
      password: String(flags.password),
      customerUri: String(flags['customer-uri']),
      clientId: flags['client-id'] === undefined ? undefined : String(flags['client-id']),
      clientSecret: flags['client-secret'] === undefined ? undefined : String(flags['client-secret']),
      issueDelayMs: parseGoDuration(String(flags['issue-delay'])),
      dataDir: flags['data-dir'] === undefined ? undefined : String(flags['data-dir']),
      approvalRequired: Boolean(flags['approval-required']),
      pendingStyle: pendingCode as PendingCode | undefined,
      logger,
    });
    process.stdout.write(
      `SCM simulator listening on ${simulator.boundAddress}\n` +
        `  SCM base URL:  ${simulator.url}/api   (login/password/customerUri as given)\n` +
        `  Default orgId: ${simulator.orgId}\n` +
        `  Controls:      ${simulator.url}/__simulator/settings\n`,
    );
    const signal = await new Promise<string>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    logger.info({ signal }, 'shutting down');
    await simulator.close();
    return 0;
  } catch (err) {
    process.stderr.write(`Error: ${(err as Error).message}\n`);
    return 2;
  }
}

const USAGE = `Usage: scmpki scm-simulator [options]

  Runs a Sectigo Certificate Manager simulator with a real CA.

  -listen=127.0.0.1:8201     Address to listen on
  -login=demo                SCM admin login (header "login")
  -password=demo             SCM admin password (header "password")
  -customer-uri=demo         Customer URI (header "customerUri")
  -client-id=demo            OAuth2 client id for the token endpoint
  -client-secret=demo        OAuth2 client secret
  -issue-delay=2s            Time from order to issued certificate
  -data-dir=DIR              Keep the CA and orders in DIR across restarts
  -approval-required         SSL orders wait for POST /api/ssl/v1/approve/{id}
  -pending-code=N            Collect answer while pending: 0, -1400 or -183
`;
