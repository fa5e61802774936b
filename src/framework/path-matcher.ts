/**
 * Matches a request path against a pattern like 'certs/:config/:id'. Each
 * `:name` takes exactly one segment, percent-decoded and checked as a name
 * (names.ts), so '%2e%2e%2fx' arrives as '../x' and is refused by name.
 */
import { UserError } from '../errors.js';
import { checkName } from './names.js';

export interface CompiledPattern {
  pattern: string;
  match(path: string): Record<string, string> | undefined;
}

export function compilePattern(pattern: string): CompiledPattern {
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
      for (const [name, raw] of Object.entries(params)) params[name] = checkName(name, decodeSegment(name, raw));
      return params;
    },
  };
}

function decodeSegment(name: string, raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new UserError(`${name}: "${raw}" is not valid percent-encoding`);
  }
}
