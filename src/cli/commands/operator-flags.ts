/**
 * The flags `operator init` and `operator generate-root` share: the server's
 * own settings (`-config` and SCMPKI_*), so they act on exactly the data
 * directory and seal key the server would use, and `-token-file`.
 */
import { loadSettings, type ServerSettings } from '../../server/settings.js';
import type { Terminal } from '../command-context.js';
import { parseGoFlags } from '../go-flags.js';
import { LocalError } from '../local-error.js';

export async function parseOperatorFlags(
  argv: string[],
  term: Terminal,
  usage: string,
): Promise<{ settings: ServerSettings; tokenFile?: string } | undefined> {
  const names = ['config', 'token-file'];
  const { flags, positionals } = parseGoFlags(argv, { string: names, boolean: ['h', 'help'] });
  if (flags.h || flags.help) {
    term.stdout.write(`${usage.trim()}\n`);
    return undefined;
  }
  const unknown = Object.keys(flags).filter((name) => !names.includes(name) && name !== 'h' && name !== 'help');
  if (unknown.length > 0) throw new LocalError(`flag provided but not defined: -${unknown[0]}\n\n${usage.trim()}`);
  if (positionals.length > 0) throw new LocalError(`unexpected arguments: ${positionals.join(' ')}\n\n${usage.trim()}`);
  const settings = await loadSettings(flags.config === undefined ? undefined : String(flags.config), term.env);
  return { settings, tokenFile: flags['token-file'] === undefined ? undefined : String(flags['token-file']) };
}
