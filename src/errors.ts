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

/**
 * What was asked for is under way but not done yet (SCM has not issued the
 * certificate): the same request, retried later, gets it. Clients that retry
 * on their own (Vault's Go client, and so cert-manager) do so for this kind.
 */
export class NotReadyError extends Error {
  constructor(
    message: string,
    /** How long a client should wait before retrying. */
    readonly retryAfterSeconds: number,
  ) {
    super(message);
    this.name = 'NotReadyError';
  }
}

/**
 * The storage backend cannot be reached (PostgreSQL down, connections cut,
 * the pool's connect timeout passed). Nothing is wrong with the request:
 * the same request may succeed once storage is back (503).
 */
export class StorageUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StorageUnavailableError';
  }
}
