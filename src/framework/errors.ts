/**
 * An error that is only meaningful at the HTTP edge (permission denied, an
 * unknown route or method, a body too large, a sealed server): it carries its
 * status. Domain code throws the kinds in src/errors.ts instead.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}
