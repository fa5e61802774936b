import { createClient, parseCommand, reportApiErrors, requirePositionals, sanitizePath, type CommandSpec, type Terminal } from '../command-context.js';
import { listKeys, renderList, renderWarnings } from '../secret-output.js';
import { secretFromResponse } from '../vault-client.js';

const spec: CommandSpec = {
  boolean: ['detailed'],
  usage: `
Usage: scmpki list [options] PATH

  Lists the keys at PATH (sent with the LIST method). -detailed adds the
  key_info columns the server returns, e.g. domain, status and expiry of
  each certificate under certs/<config>.

      $ scmpki list sectigo-vault-pki/configs
      $ scmpki list -detailed sectigo-vault-pki/certs/demo

Options: -detailed  -format=table|json|yaml  -address=URL  -ca-cert=FILE  -tls-skip-verify
`,
};

export async function listCommand(argv: string[], term: Terminal): Promise<number> {
  const parsed = parseCommand(argv, spec, term);
  if (!parsed) return 0;
  requirePositionals(parsed, 1, 1, spec);
  const path = sanitizePath(parsed.positionals[0]);
  const client = await createClient(parsed, term.env);
  return reportApiErrors(term, `Error listing ${path}/`, async () => {
    const secret = secretFromResponse(await client.request('LIST', path), true);
    if (!secret) {
      term.stderr.write(`No value found at ${path}/\n`);
      return 2;
    }
    if (parsed.format === 'table') term.stderr.write(renderWarnings(secret));
    if (listKeys(secret).length === 0) {
      term.stderr.write(`No entries found at ${path}/\n`);
      return 2;
    }
    term.stdout.write(renderList(secret, parsed.format, parsed.flags.detailed === true));
    return 0;
  });
}
