/**
 * How a request field is declared, by the path framework and by the domain
 * code that parses the same fields (the enroll request): a JSON schema (ajv
 * validates and coerces with it) plus the words help and OpenAPI show.
 */
export type FieldSchema = {
  description: string;
  /** Never echoed in logs or audit; redacted in help examples. */
  secret?: boolean;
  /** `"a,b"` is accepted for arrays (the CLI sends strings). */
  type?: 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object' | Array<'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object' | 'null'>;
  [keyword: string]: unknown;
};

