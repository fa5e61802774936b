import { createClient, parseCommand, printSecret, reportApiErrors, requirePositionals, sanitizePath, type CommandSpec, type Terminal } from '../command-context.js';
import { buildRequestData, toQueryParams } from '../kv-args.js';
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
  const parsed = parseCommand(argv, spec, term);
  if (!parsed) return 0;
  requirePositionals(parsed, 1, Infinity, spec);
  const path = sanitizePath(parsed.positionals[0]);
  const data = await buildRequestData(parsed.positionals.slice(1), term.readStdin);
  const client = await createClient(parsed, term.env);
  return reportApiErrors(term, `Error deleting ${path}`, async () => {
    const secret = secretFromResponse(await client.request('DELETE', path, { query: toQueryParams(data) }), false);
    if (secret) return printSecret(term, parsed, secret);
    if (parsed.format === 'table') term.stdout.write(`Success! Data deleted (if it existed) at: ${path}\n`);
    return 0;
  });
}
