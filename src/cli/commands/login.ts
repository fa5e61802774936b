import { createClient, parseCommand, printSecret, reportApiErrors, requirePositionals, sanitizePath, type CommandSpec, type ParsedCommand, type Terminal } from '../command-context.js';
import { buildRequestData } from '../kv-args.js';
import { LocalError } from '../local-error.js';
import { storeToken } from '../token-file.js';
import { secretFromResponse, type Secret } from '../vault-client.js';

const spec: CommandSpec = {
  string: ['field', 'method', 'path'],
  boolean: ['no-store'],
  default: { method: 'token' },
  usage: `
Usage: scmpki login [options] TOKEN
       scmpki login -method=approle role_id=ID secret_id=ID

  Checks TOKEN against the server (auth/token/lookup-self) and stores it in
  ~/.vault-token (mode 0600), where later commands find it. Use "-" to read
  the token from stdin, so it stays out of the shell history.

  With -method=approle, logs in with a role ID and a secret ID (K=V pairs;
  K=@file reads a file, K=- stdin) at auth/approle/login and stores the
  token it returns.

      $ scmpki login s.XXXXXXXX
      $ scmpki login - < token.txt
      $ scmpki login -method=approle role_id=@role-id secret_id=@secret-id

Options: -method=token|approle  -path=MOUNT (default: the method)  -no-store
         -format=table|json|yaml  -field=NAME  -address=URL  -ca-cert=FILE  -tls-skip-verify
`,
};

export async function loginCommand(argv: string[], term: Terminal): Promise<number> {
  const parsed = parseCommand(argv, spec, term);
  if (!parsed) return 0;
  const method = parsed.flags.method as string;
  if (method === 'approle') return approleLogin(parsed, term);
  if (method !== 'token') throw new LocalError(`Unknown auth method: ${method}. Use "scmpki login -method=approle" or a token.`);
  requirePositionals(parsed, 1, 1, spec);
  const given = parsed.positionals[0];
  const token = (given === '-' ? await term.readStdin() : given).trim();
  if (!token) throw new LocalError('Error authenticating: the token is empty');
  const client = await createClient(parsed, term.env);

  return reportApiErrors(term, 'Error authenticating: error looking up token', async () => {
    const lookup = secretFromResponse(await client.request('GET', 'auth/token/lookup-self', { token }), false);
    return storeAndPrint(parsed, term, token, tokenSecret(token, lookup));
  });
}

/** `-method=approle`, in the shape of `vault login -method=<m> K=V…`: the pairs are the login's body, sent with no token. */
async function approleLogin(parsed: ParsedCommand, term: Terminal): Promise<number> {
  if (parsed.positionals.length === 0) throw new LocalError(`Missing role_id=… secret_id=… for -method=approle\n\n${spec.usage.trim()}`);
  const body = await buildRequestData(parsed.positionals, term.readStdin);
  const mount = sanitizePath((parsed.flags.path as string | undefined) || 'approle');
  const client = await createClient(parsed, term.env);
  return reportApiErrors(term, 'Error authenticating', async () => {
    const secret = secretFromResponse(await client.request('PUT', `auth/${mount}/login`, { body, token: '' }), false);
    const token = secret?.auth?.client_token;
    if (typeof token !== 'string' || token === '') throw new LocalError(`Error authenticating: auth/${mount}/login returned no token`);
    return storeAndPrint(parsed, term, token, secret!);
  });
}

async function storeAndPrint(parsed: ParsedCommand, term: Terminal, token: string, secret: Secret): Promise<number> {
  const store = parsed.flags['no-store'] !== true;
  if (store) await storeToken(token, term.env);
  if (store && term.env.VAULT_TOKEN) {
    term.stderr.write(
      'WARNING! The VAULT_TOKEN environment variable is set! The value of this variable will take precedence; if this is unwanted please unset VAULT_TOKEN or update its value accordingly.\n\n',
    );
  }
  if (parsed.format === 'table' && !parsed.flags.field) {
    term.stdout.write(
      store
        ? 'Success! You are now authenticated. The token information displayed below\nis already stored in the token helper. You do NOT need to run "scmpki login"\nagain. Future requests will automatically use this token.\n\n'
        : 'Success! You are now authenticated. The token is not stored (-no-store).\n\n',
    );
  }
  return printSecret(term, parsed, secret);
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
