import { UserError } from '../errors.js';

/** The attributes of a CSR subject (csr-subject.ts). */
export type SubjectAttribute = 'commonName' | 'emailAddress' | 'organization' | 'organizationalUnit' | 'locality' | 'state' | 'country';

/**
 * The inputs pki reads, in its own terms. Where a value came from (a request
 * field, a stored record, a config file) is the caller's knowledge, so the
 * caller names it for the user: see `PkiInputError`.
 */
export type PkiInput =
  | SubjectAttribute
  | 'subjectAltNames'
  | 'privateKey'
  | 'csr'
  | 'keyAlgorithm'
  | 'keySize'
  | 'collectFormat';

/**
 * Bad input, found by pki. The message starts with pki's name for the input;
 * a caller that knows the field the value came from builds its own message
 * from `input` and `problem`.
 */
export class PkiInputError extends UserError {
  constructor(
    readonly input: PkiInput,
    readonly problem: string,
  ) {
    super(`${input}: ${problem}`);
  }
}
