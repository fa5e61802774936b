/**
 * pki reports bad input in its own terms (a PkiInputError about `privateKey`,
 * `country`, …); the caller sent request fields, so its messages name those.
 */
import { UserError } from '../errors.js';
import { PkiInputError, type PkiInput } from '../pki/index.js';

const REQUEST_FIELDS: Record<PkiInput, string> = {
  country: 'sectigo_csr_country',
  state: 'sectigo_csr_state',
  locality: 'sectigo_csr_location',
  organization: 'sectigo_csr_organization',
  organizationalUnit: 'sectigo_csr_organization_unit',
  // The CN of a client certificate is made from the holder's names, but it
  // has always been reported under the SSL field; kept so messages stay put.
  commonName: 'sectigo_csr_domain',
  emailAddress: 'sectigo_csr_email_address',
  subjectAltNames: 'sectigo_ssl_cert_subject_alt_names',
  privateKey: 'sectigo_private_key',
  csr: 'sectigo_csr',
  keyAlgorithm: 'sectigo_csr_key_algo',
  keySize: 'sectigo_csr_key_size',
  collectFormat: 'sectigo_ssl_cert_format_type',
};

/**
 * Runs pki work on request values; a PkiInputError comes out as a UserError
 * naming the request field. `names` renames inputs that came from elsewhere
 * (a stored record's `csr`).
 */
export function inRequestTerms<T>(work: () => T, names: Partial<Record<PkiInput, string>> = {}): T {
  const renamed = (error: unknown) =>
    error instanceof PkiInputError ? new UserError(`${names[error.input] ?? REQUEST_FIELDS[error.input]}: ${error.problem}`) : error;
  let result: T;
  try {
    result = work();
  } catch (error) {
    throw renamed(error);
  }
  if (!(result instanceof Promise)) return result;
  return result.catch((error: unknown) => {
    throw renamed(error);
  }) as T;
}
