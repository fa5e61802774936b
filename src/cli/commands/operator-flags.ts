/**
 * The flags the offline operator commands (`init`, `generate-root`,
 * `restore`, `migrate-storage`) share: the server's own settings (`-config`
 * and SCMPKI_*), so they act on exactly the data directory and seal key the
 * server would use; `-token-file` for the two that make a root token; a
 * command's own string flags (`flags`, returned in `values`) and, for
 * `restore`, one FILE argument.
 */
import { loadSettings, type ServerSettings } from '../../server/settings.js';
import type { Terminal } from '../command-context.js';
import { parseGoFlags } from '../go-flags.js';
import { LocalError } from '../local-error.js';

export interface OperatorFlagSpec {
  /** String flags besides -config (default: -token-file). */
  flags?: string[];
  /** Whether the command takes one FILE argument. */
  file?: boolean;
}

export async function parseOperatorFlags(
  argv: string[],
  term: Terminal,
  usage: string,
  spec: OperatorFlagSpec = {},
): Promise<{ settings: ServerSettings; tokenFile?: string; file?: string; values: Record<string, string | undefined> } | undefined> {
  const own = spec.flags ?? ['token-file'];
  const names = ['config', ...own];
  const { flags, positionals } = parseGoFlags(argv, { string: names, boolean: ['h', 'help'] });
  if (flags.h || flags.help) {
    term.stdout.write(`${usage.trim()}\n`);
    return undefined;
  }
  const unknown = Object.keys(flags).filter((name) => !names.includes(name) && name !== 'h' && name !== 'help');
  if (unknown.length > 0) throw new LocalError(`flag provided but not defined: -${unknown[0]}\n\n${usage.trim()}`);
  const expected = spec.file ? 1 : 0;
  if (positionals.length !== expected) {
    const problem = positionals.length > expected ? `unexpected arguments: ${positionals.slice(expected).join(' ')}` : 'missing the snapshot FILE';
    throw new LocalError(`${problem}\n\n${usage.trim()}`);
  }
  const settings = await loadSettings(flags.config === undefined ? undefined : String(flags.config), term.env);
  const value = (name: string) => (flags[name] === undefined ? undefined : String(flags[name]));
  return { settings, tokenFile: value('token-file'), file: positionals[0], values: Object.fromEntries(own.map((name) => [name, value(name)])) };
}
