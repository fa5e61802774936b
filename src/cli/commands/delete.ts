import { parsePathQueryCommand, printSecret, reportApiErrors, type CommandSpec, type Terminal } from '../command-context.js';
import { secretFromResponse } from '../vault-client.js';

const spec: CommandSpec = {
  usage: `
Usage: scmpki delete [options] PATH [KEY=VALUE ...]

  Deletes the entry at PATH. For certs/<config>/<id> only the local record
  is removed; SCM is never called.

      $ scmpki delete sectigo-vault-pki/configs/old

Options: -format=table|json|yaml  -address=URL  -ca-cert=FILE  -tls-skip-verify
`,
};

export async function deleteCommand(argv: string[], term: Terminal): Promise<number> {
  const command = await parsePathQueryCommand(argv, spec, term);
  if (!command) return 0;
  const { parsed, path, query, client } = command;
  return reportApiErrors(term, `Error deleting ${path}`, async () => {
    const secret = secretFromResponse(await client.request('DELETE', path, { query }), false);
    if (secret) return printSecret(term, parsed, secret);
    if (parsed.format === 'table') term.stdout.write(`Success! Data deleted (if it existed) at: ${path}\n`);
    return 0;
  });
}
