import { parsePathQueryCommand, reportApiErrors, type CommandSpec, type Terminal } from '../command-context.js';
import { listKeys, renderList, renderWarnings } from '../secret-output.js';
import { secretFromResponse } from '../vault-client.js';

const spec: CommandSpec = {
  boolean: ['detailed'],
  usage: `
Usage: scmpki list [options] PATH [KEY=VALUE ...]

  Lists the keys at PATH (sent with the LIST method). -detailed adds the
  key_info columns the server returns, e.g. domain, status and expiry of
  each certificate under certs/<config>. KEY=VALUE pairs are sent as query
  parameters (e.g. available=true on profile/<config>).

      $ scmpki list sectigo-vault-pki/configs
      $ scmpki list -detailed sectigo-vault-pki/certs/demo
      $ scmpki list -detailed sectigo-vault-pki/profile/demo available=true

Options: -detailed  -format=table|json|yaml  -address=URL  -ca-cert=FILE  -tls-skip-verify
`,
};

export async function listCommand(argv: string[], term: Terminal): Promise<number> {
  const command = await parsePathQueryCommand(argv, spec, term);
  if (!command) return 0;
  const { parsed, path, query, client } = command;
  return reportApiErrors(term, `Error listing ${path}/`, async () => {
    const secret = secretFromResponse(await client.request('LIST', path, { query }), true);
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
