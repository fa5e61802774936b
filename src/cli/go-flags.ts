/**
 * Flags the way Vault's CLI (Go's `flag` package) takes them: `-name=value`,
 * `-name value`, `--name=value` and bare booleans `-dev`. yargs-parser does the
 * work; we only switch off short-option grouping so `-format` is one flag, not
 * six.
 */
import yargsParser from 'yargs-parser';

export interface FlagSpec {
  string?: string[];
  boolean?: string[];
  default?: Record<string, unknown>;
}

export interface ParsedFlags {
  flags: Record<string, unknown>;
  positionals: string[];
}

export function parseGoFlags(argv: string[], spec: FlagSpec = {}): ParsedFlags {
  const parsed = yargsParser(argv, {
    string: spec.string,
    boolean: spec.boolean,
    default: spec.default,
    configuration: {
      'short-option-groups': false,
      'camel-case-expansion': false,
      'dot-notation': false,
      'parse-numbers': false,
      'parse-positional-numbers': false,
      'halt-at-non-option': false,
    },
  });
  const { _: rest, '--': _dashdash, ...flags } = parsed;
  return { flags, positionals: rest.map(String) };
}
