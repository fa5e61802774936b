/**
 * Request values into the types their fields declare, done here rather than
 * by ajv's `coerceTypes`: ajv reads numbers the way JavaScript does, so
 * "Infinity", "0x10", "1e3", `true` and `[1]` all became numbers and reached
 * SCM as organisation or profile ids. Here a number is decimal text or a
 * JSON number, and nothing else.
 *
 * The vault CLI sends every `key=value` as a string: booleans come as Go
 * spells them ("t", "1", "False") and lists as comma strings ("a,b"), like
 * Vault's TypeCommaStringSlice. A value that cannot be read as its type is
 * left as it is, and ajv reports it under the field's name.
 */
import { parseGoBool } from './go-values.js';
import type { FieldSchema } from '../field-schema.js';

type JsonType = 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object' | 'null';

export function typesOf(field: FieldSchema): JsonType[] {
  if (field.type === undefined) return [];
  return Array.isArray(field.type) ? field.type : [field.type];
}

/** Optional sign, digits, optional fraction: what Go's strconv reads, minus hex, exponents, Inf and NaN. */
const DECIMAL_INTEGER = /^[+-]?\d+$/;
const DECIMAL_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** What `value` becomes for a field of these types; the value itself when it is not readable as one. */
export function coerceValue(field: FieldSchema, value: unknown): unknown {
  const accepted = typesOf(field);
  if (accepted.length === 0) return value;
  if (typeof value === 'string') {
    // A field that also takes strings keeps the string: its handler knows what it means.
    if (accepted.includes('string')) return value;
    const text = value.trim();
    if (accepted.includes('integer') && DECIMAL_INTEGER.test(text)) return Number(text);
    if (accepted.includes('number') && DECIMAL_NUMBER.test(text)) return Number(text);
    if (accepted.includes('boolean')) return parseGoBool(text) ?? value;
    if (accepted.includes('array')) return value.split(',').map((item) => item.trim()).filter((item) => item !== '');
    return value;
  }
  // JSON's 365 for a string field is what the plugin's samples send for ids and sizes.
  if (typeof value === 'number' && Number.isFinite(value) && accepted.includes('string') && !accepted.includes('integer') && !accepted.includes('number')) {
    return String(value);
  }
  return value;
}

export function coerceVaultStrings(fields: Record<string, FieldSchema>, data: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(data)) {
    const field = Object.hasOwn(fields, name) ? fields[name] : undefined;
    if (field !== undefined) data[name] = coerceValue(field, value);
  }
}
