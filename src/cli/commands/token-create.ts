import { createClient, parseCommand, printSecret, reportApiErrors, requirePositionals, type CommandSpec, type Terminal } from '../command-context.js';
import { secretFromResponse } from '../vault-client.js';

const spec: CommandSpec = {
  string: ['policy', 'ttl', 'explicit-max-ttl', 'display-name', 'field'],
  boolean: ['orphan'],
  usage: `
Usage: scmpki token create [options]

  Creates a token with the given policies (repeat -policy for several), as a
  child of the calling token: it is revoked with it and never outlives it.
  -orphan makes a token with no parent (needs root or sudo on auth/token/create).

      $ scmpki token create -policy=web-readers -ttl=720h -display-name=web
      $ scmpki token create -policy=web-readers -field=token
      $ scmpki token create -policy=web-readers -ttl=24h -explicit-max-ttl=720h -orphan

Options: -policy=NAME  -ttl=DURATION  -explicit-max-ttl=DURATION  -orphan  -display-name=NAME
         -format=table|json|yaml  -field=NAME
         -address=URL  -ca-cert=FILE  -tls-skip-verify
`,
};

export async function tokenCreateCommand(argv: string[], term: Terminal): Promise<number> {
  const parsed = parseCommand(argv, spec, term);
  if (!parsed) return 0;
  requirePositionals(parsed, 0, 0, spec);
  const { policy, ttl, 'explicit-max-ttl': explicitMaxTtl, orphan, 'display-name': displayName } = parsed.flags;
  const policies = [policy ?? []].flat().map(String).flatMap((p) => p.split(',')).map((p) => p.trim()).filter(Boolean);
  const body = {
    ...(policies.length > 0 ? { policies } : {}),
    ...(ttl ? { ttl: String(ttl) } : {}),
    ...(explicitMaxTtl ? { explicit_max_ttl: String(explicitMaxTtl) } : {}),
    // As the vault CLI does: -orphan is no_parent on auth/token/create.
    ...(orphan === true ? { no_parent: true } : {}),
    ...(displayName ? { display_name: String(displayName) } : {}),
  };
  const client = await createClient(parsed, term.env);
  return reportApiErrors(term, 'Error creating token', async () => {
    const secret = secretFromResponse(await client.request('PUT', 'auth/token/create', { body }), false);
    if (!secret?.auth) {
      term.stderr.write('Error creating token: the server returned no token\n');
      return 2;
    }
    return printSecret(term, parsed, secret);
  });
}
