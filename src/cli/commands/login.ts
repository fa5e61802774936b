import { createClient, parseCommand, printSecret, reportApiErrors, requirePositionals, type CommandSpec, type Terminal } from '../command-context.js';
import { LocalError } from '../local-error.js';
import { storeToken } from '../token-file.js';
import { secretFromResponse, type Secret } from '../vault-client.js';

const spec: CommandSpec = {
  string: ['field'],
  usage: `
Usage: scmpki login [options] TOKEN

  Checks TOKEN against the server (auth/token/lookup-self) and stores it in
  ~/.vault-token (mode 0600), where later commands find it. Use "-" to read
  the token from stdin, so it stays out of the shell history.

      $ scmpki login s.XXXXXXXX
      $ scmpki login - < token.txt

Options: -format=table|json|yaml  -field=NAME  -address=URL  -ca-cert=FILE  -tls-skip-verify
`,
};

export async function loginCommand(argv: string[], term: Terminal): Promise<number> {
  const parsed = parseCommand(argv, spec, term);
  if (!parsed) return 0;
  requirePositionals(parsed, 1, 1, spec);
  const given = parsed.positionals[0];
  const token = (given === '-' ? await term.readStdin() : given).trim();
  if (!token) throw new LocalError('Error authenticating: the token is empty');
  const client = await createClient(parsed, term.env);

  return reportApiErrors(term, 'Error authenticating: error looking up token', async () => {
    const lookup = secretFromResponse(await client.request('GET', 'auth/token/lookup-self', { token }), false);
    await storeToken(token, term.env);
    if (term.env.VAULT_TOKEN) {
      term.stderr.write(
        'WARNING! The VAULT_TOKEN environment variable is set! The value of this variable will take precedence; if this is unwanted please unset VAULT_TOKEN or update its value accordingly.\n\n',
      );
    }
    if (parsed.format === 'table' && !parsed.flags.field) {
      term.stdout.write(
        'Success! You are now authenticated. The token information displayed below\nis already stored in the token helper. You do NOT need to run "scmpki login"\nagain. Future requests will automatically use this token.\n\n',
      );
    }
    return printSecret(term, parsed, tokenSecret(token, lookup));
  });
}

/** lookup-self data reshaped as the auth block `vault login` prints. */
function tokenSecret(token: string, lookup: Secret | null): Secret {
  const data = lookup?.data ?? {};
  return {
    ...lookup,
    data: null,
    auth: {
      client_token: token,
      accessor: data.accessor ?? '',
      lease_duration: Number(data.ttl ?? 0),
      renewable: data.renewable === true,
      token_policies: data.policies ?? [],
      identity_policies: data.identity_policies ?? [],
      policies: data.policies ?? [],
      metadata: data.meta ?? data.metadata ?? null,
    },
  };
}
