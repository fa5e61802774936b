import { setTimeout as sleep } from 'node:timers/promises';
import { createClient, parseCommand, printSecret, reportApiErrors, requirePositionals, sanitizePath, type CommandSpec, type Terminal } from '../command-context.js';
import { ProgressLine } from '../progress-line.js';
import { secretFromResponse, type Secret } from '../vault-client.js';

const spec: CommandSpec = {
  string: ['status', 'expiring-before', 'common-name', 'mount'],
  boolean: ['detach'],
  default: { mount: 'sectigo-vault-pki' },
  usage: `
Usage: scmpki import [options] CONFIG

  Imports the certificates SCM holds for config CONFIG that the server does
  not (POST <mount>/import/CONFIG), then follows the server's import job
  (GET <mount>/import/CONFIG, once a second) until it ends and prints its
  counts. On a terminal a progress line shows how far it got. -detach only
  starts the job. Exit status 2 when the job failed.

      $ scmpki import demo
      $ scmpki import -status=Issued -expiring-before=2027-01-31 -common-name='*.example.com' demo

Options: -status=Issued|Expired|Revoked  -expiring-before=DATE  -common-name=PATTERN  -detach
         -mount=PATH (default sectigo-vault-pki)  -format=table|json|yaml  -address=URL  -ca-cert=FILE  -tls-skip-verify
`,
};

const POLL_MS = 1_000;

function progressText(data: Record<string, unknown>): string {
  const total = data.total === null || data.total === undefined ? '' : `/${data.total}`;
  return `importing (${data.listed}${total} listed, ${data.created} created, ${data.updated} updated, ${data.unchanged} unchanged)`;
}

export async function importCommand(argv: string[], term: Terminal): Promise<number> {
  const parsed = parseCommand(argv, spec, term);
  if (!parsed) return 0;
  requirePositionals(parsed, 1, 1, spec);
  const path = `${sanitizePath(String(parsed.flags.mount))}/import/${sanitizePath(parsed.positionals[0]!)}`;
  const body = {
    ...(parsed.flags.status !== undefined && { status: parsed.flags.status }),
    ...(parsed.flags['expiring-before'] !== undefined && { expiring_before: parsed.flags['expiring-before'] }),
    ...(parsed.flags['common-name'] !== undefined && { common_name: parsed.flags['common-name'] }),
  };
  const client = await createClient(parsed, term.env);
  return reportApiErrors(term, `Error importing through ${path}`, async () => {
    let secret = secretFromResponse(await client.request('PUT', path, { body }), false) as Secret;
    if (parsed.flags.detach !== true) {
      const progress = ProgressLine.start(term.stderr, 'importing');
      while (secret.data?.state === 'running') {
        progress?.update(progressText(secret.data));
        await sleep(POLL_MS);
        secret = secretFromResponse(await client.request('GET', path), false) as Secret;
      }
      progress?.finish(String(secret.data?.state));
    }
    printSecret(term, parsed, secret);
    return secret.data?.state === 'failed' ? 2 : 0;
  });
}
