/**
 * Validation of `/__simulator/` request bodies. These are our own endpoints,
 * so they answer like a plain JSON API (`{"error": "..."}`), not like SCM.
 */
import { Ajv, type JSONSchemaType } from 'ajv';

const ajv = new Ajv({ allErrors: true });

export class ControlInputError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'ControlInputError';
  }
}

export function controlValidator<T>(schema: JSONSchemaType<T>): (input: unknown) => T {
  const validate = ajv.compile(schema);
  return (input) => {
    if (validate(input)) return input;
    const problems = (validate.errors ?? []).map((e) => `${e.instancePath || 'body'} ${e.message}`);
    throw new ControlInputError(problems.join('; '));
  };
}
