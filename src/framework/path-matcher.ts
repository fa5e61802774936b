/**
 * Matches a request path against a pattern like 'certs/:config/:id'. Each
 * `:name` takes exactly one segment, percent-decoded and checked as a name
 * (names.ts), so '%2e%2e%2fx' arrives as '../x' and is refused by name.
 * Another caller can bring its own decoding (the SCM simulator takes SCM's ids
 * and colon-hex serials, which are not names); its decoder's undefined means
 * "this pattern does not match".
 */
import { UserError } from '../errors.js';
import { checkName } from './names.js';

export interface CompiledPattern {
  pattern: string;
  match(path: string): Record<string, string> | undefined;
}

export type ParamDecoder = (name: string, raw: string) => string | undefined;

export function compilePattern(pattern: string, decodeParam: ParamDecoder = decodeName): CompiledPattern {
  const parts = pattern.split('/');
  return {
    pattern,
    match(path) {
      const segments = path.split('/');
      if (segments.length !== parts.length) return undefined;
      const params: Record<string, string> = {};
      for (const [index, part] of parts.entries()) {
        const segment = segments[index]!;
        if (part.startsWith(':')) {
          params[part.slice(1)] = segment;
        } else if (part !== segment) {
          return undefined;
        }
      }
      for (const [name, raw] of Object.entries(params)) {
        const value = decodeParam(name, raw);
        if (value === undefined) return undefined;
        params[name] = value;
      }
      return params;
    },
  };
}

export function decodeName(name: string, raw: string): string {
  return checkName(name, decodeSegment(name, raw));
}

function decodeSegment(name: string, raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new UserError(`${name}: "${raw}" is not valid percent-encoding`);
  }
}
