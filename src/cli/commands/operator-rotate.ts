/**
 * `scmpki operator rotate` and `scmpki operator key-status`, as `vault
 * operator rotate|key-status`: a new key term for stored values (sys/rotate,
 * which needs sudo), then the key status (sys/key-status), which also says
 * how far the background re-encryption has got.
 */
import { createClient, parseCommand, reportApiErrors, requirePositionals, type CommandSpec, type Terminal } from '../command-context.js';
import { formatGoValue, formatTable } from '../go-format.js';
import { renderStructured } from '../secret-output.js';
import { secretFromResponse, type VaultClient } from '../vault-client.js';

const OPTIONS = 'Options: -format=table|json|yaml  -address=URL  -ca-cert=FILE  -tls-skip-verify';

const rotateSpec: CommandSpec = {
  usage: `
Usage: scmpki operator rotate [options]

  Rotates the key that seals stored values: new values are sealed with a new
  key term at once, and the server re-encrypts every stored value to it in
  the background, then retires the old term. The seal key does not change.
  Needs a token with sudo on sys/rotate.

      $ scmpki operator rotate

${OPTIONS}
`,
};

const statusSpec: CommandSpec = {
  usage: `
Usage: scmpki operator key-status [options]

  Prints the active key term, when it was installed, how many values it
  sealed, and the state of the re-encryption after a rotation.

      $ scmpki operator key-status

${OPTIONS}
`,
};

async function printKeyStatus(term: Terminal, client: VaultClient, format: 'table' | 'json' | 'yaml', heading = ''): Promise<number> {
  const status = (secretFromResponse(await client.request('GET', 'sys/key-status'), false)?.data ?? {}) as Record<string, unknown>;
  if (format !== 'table') {
    term.stdout.write(renderStructured(status, format));
    return 0;
  }
  const rewrap = status.rewrap as { rewrapped: number; error?: string } | null;
  const rows = [
    ['Key Term', formatGoValue(status.term)],
    ['Install Time', formatGoValue(status.install_time)],
    ['Encryption Count', formatGoValue(status.encryptions)],
    ['Live Terms', formatGoValue(status.terms)],
    ['Re-encryption', rewrap ? `${rewrap.error ? `stopped: ${rewrap.error}` : 'running'} (${rewrap.rewrapped} values so far)` : 'none running'],
    ['Retired Terms', formatGoValue(status.retired_terms)],
  ];
  term.stdout.write(`${heading}${formatTable(['Key', 'Value'], rows)}\n`);
  return 0;
}

export async function operatorRotateCommand(argv: string[], term: Terminal): Promise<number> {
  const parsed = parseCommand(argv, rotateSpec, term);
  if (!parsed) return 0;
  requirePositionals(parsed, 0, 0, rotateSpec);
  const client = await createClient(parsed, term.env);
  return reportApiErrors(term, 'Error rotating key', async () => {
    secretFromResponse(await client.request('PUT', 'sys/rotate'), false);
    return printKeyStatus(term, client, parsed.format, parsed.format === 'table' ? 'Success! Rotated key\n\n' : '');
  });
}

export async function operatorKeyStatusCommand(argv: string[], term: Terminal): Promise<number> {
  const parsed = parseCommand(argv, statusSpec, term);
  if (!parsed) return 0;
  requirePositionals(parsed, 0, 0, statusSpec);
  const client = await createClient(parsed, term.env);
  return reportApiErrors(term, 'Error reading key status', () => printKeyStatus(term, client, parsed.format));
}
