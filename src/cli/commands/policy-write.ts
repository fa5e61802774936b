import { createClient, parseCommand, reportApiErrors, requirePositionals, type CommandSpec, type Terminal } from '../command-context.js';
import { readFile } from 'node:fs/promises';
import { LocalError } from '../local-error.js';
import { secretFromResponse } from '../vault-client.js';

const spec: CommandSpec = {
  usage: `
Usage: scmpki policy write [options] NAME FILE

  Uploads an ACL policy (Vault's HCL or its JSON form) read from FILE, or
  from stdin when FILE is "-".

      $ scmpki policy write web-readers web-readers.hcl

Options: -address=URL  -ca-cert=FILE  -tls-skip-verify
`,
};

export async function policyWriteCommand(argv: string[], term: Terminal): Promise<number> {
  const parsed = parseCommand(argv, spec, term);
  if (!parsed) return 0;
  requirePositionals(parsed, 2, 2, spec);
  const [name, file] = parsed.positionals;
  const policy = await readPolicy(file, term);
  const client = await createClient(parsed, term.env);
  return reportApiErrors(term, 'Error uploading policy', async () => {
    secretFromResponse(await client.request('PUT', `sys/policies/acl/${encodeURIComponent(name)}`, { body: { policy } }), false);
    term.stdout.write(`Success! Uploaded policy: ${name}\n`);
    return 0;
  });
}

async function readPolicy(file: string, term: Terminal): Promise<string> {
  if (file === '-') return term.readStdin();
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new LocalError(`Error opening policy file: ${(err as NodeJS.ErrnoException).code ?? err} (${file})`);
  }
}
