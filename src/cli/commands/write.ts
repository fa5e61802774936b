import { createClient, parseCommand, printSecret, reportApiErrors, requirePositionals, sanitizePath, type CommandSpec, type Terminal } from '../command-context.js';
import { buildRequestData } from '../kv-args.js';
import { LocalError } from '../local-error.js';
import { finalState, progressLabelFor, ProgressLine } from '../progress-line.js';
import { parseSecret, secretFromResponse } from '../vault-client.js';
import { PKCS12_FLAGS, PKCS12_USAGE, writePkcs12IfAsked } from '../pkcs12-output.js';

const spec: CommandSpec = {
  string: ['field', ...PKCS12_FLAGS],
  boolean: ['f', 'force'],
  usage: `
Usage: scmpki write [options] PATH [DATA K=V...]

  Writes data to PATH as a JSON body. Data is key=value (a string), key=@file
  (the file's contents), key=- (stdin), @file.json (merged JSON) or - (JSON
  from stdin); a repeated key becomes a list. -f writes with no data.

      $ scmpki write sectigo-vault-pki/enroll/demo @ssl_cert.json
      $ scmpki write sectigo-vault-pki/configs/demo sectigo_cm_password=@pw.txt ...

  On a terminal, enroll, replace and renew show a progress line on stderr.
${PKCS12_USAGE}

Options: -f  -format=table|json|yaml  -field=NAME  -pkcs12-out=FILE  -address=URL  -ca-cert=FILE  -tls-skip-verify
`,
};

export async function writeCommand(argv: string[], term: Terminal): Promise<number> {
  const parsed = parseCommand(argv, spec, term);
  if (!parsed) return 0;
  requirePositionals(parsed, 1, Infinity, spec);
  const path = sanitizePath(parsed.positionals[0]);
  const args = parsed.positionals.slice(1);
  const force = parsed.flags.f === true || parsed.flags.force === true;
  if (args.length === 0 && !force) throw new LocalError('Must supply data or use -force');
  // Like `vault write -f`, no arguments sends the literal body null.
  const body = args.length > 0 ? await buildRequestData(args, term.readStdin) : null;
  const client = await createClient(parsed, term.env);

  return reportApiErrors(term, `Error writing data to ${path}`, async () => {
    const label = progressLabelFor(path);
    const progress = label ? ProgressLine.start(term.stderr, label) : undefined;
    let secret;
    try {
      const response = await client.request('PUT', path, { body });
      progress?.finish(response.status < 400 ? finalState(parseSecret(response)) : `failed (HTTP ${response.status})`);
      secret = secretFromResponse(response, false);
    } catch (err) {
      progress?.finish('failed');
      throw err;
    }
    if (secret) return (await writePkcs12IfAsked(term, parsed, secret)) ?? printSecret(term, parsed, secret);
    if (parsed.format === 'table') term.stdout.write(`Success! Data written to: ${path}\n`);
    return 0;
  });
}
