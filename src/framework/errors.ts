/**
 * Two kinds of failure, kept apart as Vault does: a UserError is the caller's
 * mistake (4xx, the message says what was wrong and names the field); anything
 * else that escapes a handler is an internal error (500, logged with context).
 * ScmError (src/scm/errors.ts) is the third kind: SCM answered with an error.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly status: number = 400,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** 404 with Vault's empty `{"errors":[]}` body. */
export class NotFoundError extends UserError {
  constructor(message = '') {
    super(message, 404);
    this.name = 'NotFoundError';
  }
}
