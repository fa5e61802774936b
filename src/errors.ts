/**
 * The kinds of failure the domain (lifecycle, pki, scm, storage) reports,
 * without HTTP: the edge (http/error-response.ts) maps each kind to a status.
 * A UserError is the caller's mistake and its message names the field; the
 * others say what the domain found. Anything else that escapes is a bug.
 * ScmError (scm/errors.ts) is SCM answering with an error and keeps SCM's code.
 */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

/** The thing asked for does not exist; an empty message answers Vault's bare 404. */
export class NotFoundError extends Error {
  constructor(message = '') {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** The request clashes with what is stored (another request won, a key does not match). */
export class ConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}

/** SCM answered, but with something that cannot be used (a certificate for another key, a broken body). */
export class UpstreamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpstreamError';
  }
}
