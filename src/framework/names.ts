import { UserError } from '../errors.js';

/**
 * Names that become storage keys and URL segments (`:config`, `:id`,
 * `:type_id`): 1–128 of [A-Za-z0-9._-], not starting with '.', so a name can
 * never climb out of its key prefix or hide as a dot-file.
 */
const NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

export function checkName(segment: string, value: string): string {
  if (value === '') throw new UserError(`${segment}: must not be empty`);
  if (value.length > 128) throw new UserError(`${segment}: must be at most 128 characters (got ${value.length})`);
  if (value.startsWith('.')) throw new UserError(`${segment}: must not start with "."`);
  if (!NAME.test(value)) throw new UserError(`${segment}: may only contain letters, digits, ".", "_" and "-"`);
  return value;
}
