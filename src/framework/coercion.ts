/**
 * What ajv's `coerceTypes` does not do for us. The vault CLI sends every
 * `key=value` as a string: booleans come as Go spells them ("t", "1",
 * "False") and lists as comma strings ("a,b"), like Vault's
 * TypeCommaStringSlice. ajv then does the rest ("365" → 365, "x" → ["x"]).
 */
import { parseGoBool } from './go-values.js';
import type { FieldSchema } from '../field-schema.js';

function types(field: FieldSchema): string[] {
  if (field.type === undefined) return [];
  return Array.isArray(field.type) ? field.type : [field.type];
}

export function coerceVaultStrings(fields: Record<string, FieldSchema>, data: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(data)) {
    const field = fields[name];
    if (field === undefined || typeof value !== 'string') continue;
    const accepted = types(field);
    // A field that also takes strings keeps the string: its handler knows what it means.
    if (accepted.includes('string')) continue;
    if (accepted.includes('array')) {
      data[name] = value.split(',').map((item) => item.trim()).filter((item) => item !== '');
    } else if (accepted.includes('boolean')) {
      const parsed = parseGoBool(value);
      if (parsed !== undefined) data[name] = parsed;
    }
  }
}
