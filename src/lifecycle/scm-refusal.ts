/**
 * SCM refusing an operation on one certificate (already revoked, not issued
 * yet, a CSR it will not take, an id it does not know) is about the caller's
 * request, so the caller gets a 4xx carrying SCM's own code and words.
 * Unreachable SCM, 5xx, and 401 (the config entry's credentials) stay
 * ScmErrors: those are 502/503, not the caller's input.
 */
import { NotFoundError, UserError } from '../errors.js';
import { ScmError } from '../scm/errors.js';

export function scmRefusal(error: unknown): UserError | NotFoundError | undefined {
  if (!(error instanceof ScmError) || error.transport) return undefined;
  if (error.httpStatus !== 400 && error.httpStatus !== 404) return undefined;
  const message = `SCM error ${error.code}: ${error.description}`;
  return error.httpStatus === 404 ? new NotFoundError(message) : new UserError(message);
}

/** Runs an SCM call, turning a refusal into the caller's 4xx. */
export async function refusalsAsUserErrors<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw scmRefusal(error) ?? error;
  }
}
