import { Ajv, type JSONSchemaType, type SchemaObject, type ValidateFunction } from 'ajv';
import { ScmError } from './errors.js';
import { UNKNOWN_ERROR_CODE } from './error-mapping.js';
import type { ScmResponse } from './http-transport.js';

// SCM serialises some ids as strings in one endpoint and numbers in another
// (backendCertId vs orderNumber); coercion absorbs that, and extra fields are
// kept because SCM adds fields between releases.
const ajv = new Ajv({ coerceTypes: true, allErrors: true });

/** Checks only what the client relies on; SCM's other fields pass through. */
export function compileResponseSchema<T>(schema: JSONSchemaType<T> | SchemaObject): ValidateFunction<T> {
  return ajv.compile<T>(schema);
}

/**
 * A 2xx body as JSON. A body that is not JSON, or (with `validate`) not the
 * documented shape, is an ScmError with SCM's HTTP status and code -1: SCM
 * answered, but not in a form anyone can act on.
 */
export function readJson<T>(response: ScmResponse, what: string, validate?: ValidateFunction<T>): T {
  const text = response.body.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw malformed(response, what, `not JSON: ${snippet(text)}`);
  }
  if (validate && !validate(value)) {
    throw malformed(response, what, `${ajv.errorsText(validate.errors)}: ${snippet(text)}`);
  }
  return value as T;
}

/** `[]` for the empty bodies some SCM versions send instead of an empty list. */
export function readJsonArray<T>(response: ScmResponse, what: string): T[] {
  if (response.body.length === 0) return [];
  const value = readJson<unknown>(response, what);
  if (!Array.isArray(value)) throw malformed(response, what, `expected a list: ${snippet(response.body.toString('utf8'))}`);
  return value as T[];
}

function malformed(response: ScmResponse, what: string, problem: string): ScmError {
  return new ScmError(response.status, UNKNOWN_ERROR_CODE, `unexpected ${what} answer from SCM (${problem})`);
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat === '') return 'empty body';
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}
