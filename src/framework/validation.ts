/**
 * ajv validators compiled from a path's `fields`, and ajv errors turned into
 * messages that name the field: `sectigo_cm_org_id: must be integer`.
 *
 * Before ajv sees a request, three things ajv does not do:
 * - text that is not valid Unicode (a lone UTF-16 surrogate, which JSON's
 *   `\ud800` can carry) is refused wherever it is, key or value, since it
 *   cannot be stored, encoded into a CSR or sent to SCM as what was sent;
 * - `null` means the field was not given, as an absent key does;
 * - values are coerced to their field's type by coercion.ts, strictly.
 * Fields a path does not declare are taken out and named back to the caller
 * in Vault's warning, unless the path is strict (they are an error) or says
 * it keeps them (the handler reads them).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { coerceVaultStrings, typesOf } from './coercion.js';
import { UserError } from '../errors.js';
import type { FieldSchema } from '../field-schema.js';
import type { Operation, PathDefinition } from './path.js';

// ajv-formats ships CommonJS with a default export; NodeNext sees the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const ajv = new Ajv({ coerceTypes: false, allErrors: true, strict: false });
addFormats(ajv);
ajv.addKeyword({ keyword: 'secret', schemaType: 'boolean' });

export interface ValidatedRequest {
  data: Record<string, unknown>;
  /** Fields the path does not declare and did not use, sorted: for Vault's warning. */
  ignored: string[];
}

export type RequestValidator = (operation: Operation, data: Record<string, unknown>) => ValidatedRequest;

/**
 * Integers no field bounds itself stay within what a double holds exactly:
 * 2^64 and 1e308 pass ajv's `integer` but are not the number the caller wrote.
 */
function boundedFields(fields: Record<string, FieldSchema>): Record<string, FieldSchema> {
  const bounded: Record<string, FieldSchema> = {};
  for (const [name, field] of Object.entries(fields)) {
    bounded[name] = typesOf(field).includes('integer')
      ? { minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER, ...field }
      : field;
  }
  return bounded;
}

function objectSchema(def: PathDefinition<unknown>, required: string[]): object {
  return {
    type: 'object',
    properties: boundedFields(def.fields),
    required,
    additionalProperties: def.strict ? false : true,
  };
}

/**
 * Compiled on a path's first request, not at start: compiling every path's
 * schemas up front was most of a server's start-up time.
 */
export function compileValidator(def: PathDefinition<unknown>): RequestValidator {
  let forUpdate: ValidateFunction | undefined;
  let forOthers: ValidateFunction | undefined;
  return (operation, data) => {
    assertWellFormed(data, '');
    const copy: Record<string, unknown> = {};
    const ignored: string[] = [];
    for (const [name, value] of Object.entries(data)) {
      if (value === null) continue;
      const declared = Object.hasOwn(def.fields, name);
      // JSON.parse makes "__proto__" an own key; assigning it would set copy's prototype.
      if (name === '__proto__') ignored.push(name);
      else if (declared || def.strict || def.keepsUnknownFields) copy[name] = value;
      else ignored.push(name);
    }
    const raw = { ...copy };
    coerceVaultStrings(def.fields, copy);
    const validate =
      operation === 'update'
        ? (forUpdate ??= ajv.compile(objectSchema(def, def.required ?? [])))
        : (forOthers ??= ajv.compile(objectSchema(def, [])));
    if (!validate(copy)) throw new UserError(describeErrors(validate.errors ?? [], raw));
    return { data: copy, ignored: ignored.sort() };
  };
}

/** Vault's own words, so scripts that look for them find them. */
export function ignoredFieldsWarning(ignored: string[]): string {
  const shown = ignored.map((name) => (name.length > 64 || /[\s\x00-\x1f\x7f]/.test(name) ? JSON.stringify(name.slice(0, 64)) : name));
  return `Endpoint ignored these unrecognized parameters: [${shown.join(' ')}]`;
}

/** With the `u` flag a pair is one code point; only an unpaired half is in Cs. */
const LONE_SURROGATE = /\p{Cs}/u;

/** Throws naming the first field (dotted path) whose key or text is not valid Unicode. */
function assertWellFormed(value: unknown, path: string): void {
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value)) throw new UserError(`${path || 'request'}: contains a lone UTF-16 surrogate; text must be valid Unicode`);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [key, item] of Object.entries(value)) {
    if (LONE_SURROGATE.test(key)) throw new UserError(`${joinPath(path, JSON.stringify(key))}: field name contains a lone UTF-16 surrogate; names must be valid Unicode`);
    assertWellFormed(item, joinPath(path, key));
  }
}

export function describeErrors(errors: ErrorObject[], raw: Record<string, unknown> = {}): string {
  const messages = errors.map((error) => describeError(error, raw));
  return [...new Set(messages)].join('; ');
}

function describeError(error: ErrorObject, raw: Record<string, unknown>): string {
  const field = error.instancePath.slice(1).replaceAll('/', '.');
  switch (error.keyword) {
    case 'required':
      return `${joinPath(field, String(error.params.missingProperty))}: is required`;
    case 'additionalProperties':
      return `${joinPath(field, String(error.params.additionalProperty))}: unknown field`;
    case 'enum':
      return `${field}: must be one of ${(error.params.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'type': {
      // The CLI's strings reach here when they are not decimal: say what was read.
      const sent = Object.hasOwn(raw, field) ? raw[field] : undefined;
      const wanted = String(error.params.type);
      if (Array.isArray(sent) && sent.length > 1 && !wanted.includes('array')) {
        return `${field}: takes one value, got a list of ${sent.length} (the vault CLI makes a list of a key given twice, e.g. in @file.json and again as key=value)`;
      }
      if (typeof sent === 'string' && /integer|number/.test(wanted)) {
        return `${field}: must be a decimal ${wanted.includes('integer') ? 'integer' : 'number'}, not ${JSON.stringify(sent.slice(0, 40))}`;
      }
      return `${field || 'request'}: ${error.message ?? 'is invalid'}`;
    }
    default:
      return `${field || 'request'}: ${error.message ?? 'is invalid'}`;
  }
}

function joinPath(parent: string, child: string): string {
  return parent === '' ? child : `${parent}.${child}`;
}
