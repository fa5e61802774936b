import { parsePathQueryCommand, printSecret, reportApiErrors, type CommandSpec, type Terminal } from '../command-context.js';
import { secretFromResponse } from '../vault-client.js';
import { PKCS12_FLAGS, PKCS12_USAGE, writePkcs12IfAsked } from '../pkcs12-output.js';

const spec: CommandSpec = {
  string: ['field', ...PKCS12_FLAGS],
  usage: `
Usage: scmpki read [options] PATH [KEY=VALUE ...]

  Reads data from the server at PATH. KEY=VALUE pairs are sent as query
  parameters (e.g. sectigo_auto_renew=false on certs/<config>/<id>).

      $ scmpki read sectigo-vault-pki/configs/demo
      $ scmpki read -field=leaf_certificate sectigo-vault-pki/certs/demo/ID > cert.pem
      $ scmpki read -pkcs12-out=tomcat.p12 -pkcs12-password-file=p12.pass sectigo-vault-pki/certs/demo/ID
${PKCS12_USAGE}

Options: -format=table|json|yaml  -field=NAME  -pkcs12-out=FILE  -address=URL  -ca-cert=FILE  -tls-skip-verify
`,
};

export async function readCommand(argv: string[], term: Terminal): Promise<number> {
  const command = await parsePathQueryCommand(argv, spec, term);
  if (!command) return 0;
  const { parsed, path, query, client } = command;
  return reportApiErrors(term, `Error reading ${path}`, async () => {
    const secret = secretFromResponse(await client.request('GET', path, { query }), true);
    if (!secret) {
      term.stderr.write(`No value found at ${path}\n`);
      return 2;
    }
    return (await writePkcs12IfAsked(term, parsed, secret)) ?? printSecret(term, parsed, secret);
  });
}
