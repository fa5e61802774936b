/**
 * A problem on this side of the wire (bad flags or arguments, an unreadable
 * file, an unparsable environment variable). The CLI prints it and exits 1,
 * as Vault does; errors from the server exit 2.
 */
export class LocalError extends Error {
  override name = 'LocalError';
}
