/**
 * Which driver errors mean "PostgreSQL cannot be reached right now" (503,
 * retry later) rather than a bug (500): the network said no, the server
 * shut down or is starting, every connection slot is taken, or the pool
 * gave up connecting. A URL in a message is shown with its password hidden.
 */
import { StorageUnavailableError } from '../../errors.js';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EPIPE']);
/** SQLSTATEs: admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections (class 08 is checked whole). */
const SERVER_GONE_STATES = new Set(['57P01', '57P02', '57P03', '53300']);
const DRIVER_MESSAGES = [/^Connection terminated/, /timeout exceeded when trying to connect/, /not queryable/, /Client was closed/];

export function isUnavailable(err: unknown): boolean {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SERVER_GONE_STATES.has(code) || code.startsWith('08'))) return true;
  return typeof message === 'string' && DRIVER_MESSAGES.some((pattern) => pattern.test(message));
}

/** `err` as the domain's StorageUnavailableError when it is one of those, else unchanged. */
export function asStorageError(err: unknown, where: string): unknown {
  if (!isUnavailable(err)) return err;
  return new StorageUnavailableError(`storage unavailable: PostgreSQL at ${where} did not answer (${(err as Error).message}); try again once it is back`);
}

/** `postgresql://user:***@host:port/db` — for logs and messages; never the password. */
export function redactConnectionUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    for (const name of ['password', 'sslpassword']) if (parsed.searchParams.has(name)) parsed.searchParams.set(name, '***');
    return parsed.toString();
  } catch {
    return '(a connection URL that does not parse)';
  }
}

/** `host:port/database`, the part of a URL a message about reaching it needs. */
export function connectionTarget(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host || 'localhost'}${parsed.pathname}`;
  } catch {
    return 'the configured URL';
  }
}
