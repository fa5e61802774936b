/**
 * `?help=1`: the markdown Vault's `path-help` prints, derived from the path
 * definition so it cannot drift from what the path accepts.
 */
import type { PathDefinition } from './path.js';
import type { FieldSchema } from '../field-schema.js';

function typeLabel(field: FieldSchema): string {
  if (field.type === undefined) return 'any';
  return Array.isArray(field.type) ? field.type.join(' | ') : field.type;
}

export function renderHelp(mount: string, def: PathDefinition<unknown>): string {
  const operations = Object.keys(def.operations).join(', ');
  const lines = [`## ${mount}${def.pattern}`, '', def.synopsis, '', `Operations: ${operations}`, '', def.help.trim()];
  const fields = Object.entries(def.fields);
  if (fields.length > 0) {
    lines.push('', '### Fields', '');
    const required = new Set(def.required ?? []);
    for (const [name, field] of fields) {
      const flags = [typeLabel(field), required.has(name) ? 'required' : '', field.secret ? 'write-only' : '']
        .filter((flag) => flag !== '')
        .join(', ');
      lines.push(`- \`${name}\` (${flags}): ${field.description}`);
    }
  }
  return lines.join('\n') + '\n';
}
