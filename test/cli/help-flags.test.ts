/**
 * `-h`, `-help` and `--help` print a command's usage and exit 0 on every
 * command, services included (a server or simulator asked for help must not
 * start), as Go's flag package does for the vault CLI.
 */
import { t } from '../helpers/suite.js';
import { COMMAND_NAMES } from '../../src/cli/cli.js';
import { runCliInProcess } from '../helpers/run-cli.js';

for (const name of COMMAND_NAMES) {
  t.test(`scmpki ${name}`, async (t) => {
    for (const flag of ['-h', '-help', '--help']) {
      const result = await runCliInProcess([...name.split(' '), flag], { env: {} });
      t.equal(result.code, 0, `${flag} exits 0`);
      t.match(result.stdout, new RegExp(`^Usage: scmpki ${name}\\b`), `${flag} prints the command's usage`);
      t.equal(result.stderr, '', `${flag} writes nothing to stderr`);
    }
  });
}

t.test('the top-level help lists every command', async (t) => {
  const result = await runCliInProcess(['-h'], { env: {} });
  t.equal(result.code, 0);
  for (const name of COMMAND_NAMES) t.match(result.stdout, new RegExp(`\\n    ${name}\\s`), name);
});
