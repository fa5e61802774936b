/**
 * ajv validators compiled from a path's `fields`, and ajv errors turned into
 * messages that name the field: `sectigo_cm_org_id: must be integer`.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { coerceVaultStrings } from './coercion.js';
import { UserError } from '../errors.js';
import type { Operation, PathDefinition } from './path.js';

// ajv-formats ships CommonJS with a default export; NodeNext sees the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const ajv = new Ajv({ coerceTypes: 'array', allErrors: true, strict: false });
addFormats(ajv);
ajv.addKeyword({ keyword: 'secret', schemaType: 'boolean' });

export type RequestValidator = (operation: Operation, data: Record<string, unknown>) => Record<string, unknown>;

function objectSchema(def: PathDefinition<unknown>, required: string[]): object {
  return {
    type: 'object',
    properties: def.fields,
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
    const copy = { ...data };
    coerceVaultStrings(def.fields, copy);
    const validate =
      operation === 'update'
        ? (forUpdate ??= ajv.compile(objectSchema(def, def.required ?? [])))
        : (forOthers ??= ajv.compile(objectSchema(def, [])));
    if (!validate(copy)) throw new UserError(describeErrors(validate.errors ?? []));
    return copy;
  };
}

export function describeErrors(errors: ErrorObject[]): string {
  const messages = errors.map(describeError);
  return [...new Set(messages)].join('; ');
}

function describeError(error: ErrorObject): string {
  const field = error.instancePath.slice(1).replaceAll('/', '.');
  switch (error.keyword) {
    case 'required':
      return `${joinPath(field, String(error.params.missingProperty))}: is required`;
    case 'additionalProperties':
      return `${joinPath(field, String(error.params.additionalProperty))}: unknown field`;
    case 'enum':
      return `${field}: must be one of ${(error.params.allowedValues as unknown[]).map(String).join(', ')}`;
    default:
      return `${field || 'request'}: ${error.message ?? 'is invalid'}`;
  }
}

function joinPath(parent: string, child: string): string {
  return parent === '' ? child : `${parent}.${child}`;
}
