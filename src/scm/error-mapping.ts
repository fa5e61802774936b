import { ScmError } from './errors.js';

/**
 * Code given to an SCM error answer whose body is not SCM's
 * `{"code","description"}` JSON (empty, HTML from a gateway, truncated JSON).
 * It is SCM's own "Unknown error." code, so it reads sensibly wherever SCM
 * codes are shown; the HTTP status and the raw text are kept.
 */
export const UNKNOWN_ERROR_CODE = -1;
/** SCM's "Unknown user": a 401 means bad credentials whatever its body says. */
export const UNKNOWN_USER_CODE = -16;

const MAX_DESCRIPTION_CHARS = 500;

export function scmErrorFromResponse(status: number, body: string): ScmError {
  const parsed = parseErrorBody(body);
  if (parsed) return new ScmError(status, parsed.code, parsed.description);
  const code = status === 401 ? UNKNOWN_USER_CODE : UNKNOWN_ERROR_CODE;
  const text = body.trim();
  const description = text === '' ? `HTTP ${status} with an empty body` : truncate(text);
  return new ScmError(status, code, description);
}

function parseErrorBody(body: string): { code: number; description: string } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { code, description, details } = value as Record<string, unknown>;
  // SCM sends `code` as a number; tolerate a numeric string from a proxy.
  const numericCode = typeof code === 'string' && /^-?\d+$/.test(code) ? Number(code) : code;
  if (typeof numericCode !== 'number' || typeof description !== 'string') return undefined;
  const withDetails = typeof details === 'string' && details !== '' ? `${description} (${details})` : description;
  return { code: numericCode, description: truncate(withDetails) };
}

/**
 * Socket error codes raised before a connection to SCM (or the proxy) was
 * established, so before any byte of a request was written: refused, no such
 * host, no route, or SCM's TLS certificate refused during the handshake.
 */
export const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH',
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** No answer from SCM (reset, DNS, TLS, proxy): httpStatus 0, transport=true. */
export function scmErrorFromTransport(err: unknown): { error: ScmError; socketCode?: string } {
  const socketCode = socketCodeOf(err);
  const message = (err instanceof Error ? err.message : String(err)) || 'connection failed';
  const description = socketCode && !message.includes(socketCode) ? `${socketCode}: ${message}` : message;
  const notSent = socketCode !== undefined && NOT_SENT_CODES.has(socketCode);
  return { error: new ScmError(0, UNKNOWN_ERROR_CODE, description, true, { notSent }), socketCode };
}

/** The same error, with SCM's `Retry-After` (seconds or an HTTP date) in seconds. */
export function withRetryAfter(error: ScmError, header: string | undefined, now = Date.now()): ScmError {
  const ms = header === undefined ? undefined : parseRetryAfterMs(header, now);
  if (ms === undefined) return error;
  return new ScmError(error.httpStatus, error.code, error.description, error.transport, { retryAfterSeconds: Math.ceil(ms / 1000) });
}

/** `Retry-After` is either delta-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function parseRetryAfterMs(value: string, now = Date.now()): number | undefined {
  const trimmed = value.trim();
  if (/^\d{1,9}$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** axios's own codes say which stage failed, not why; the socket's code is under `cause`. */
const AXIOS_CODES = new Set(['ERR_NETWORK', 'ERR_BAD_RESPONSE', 'ERR_BAD_REQUEST', 'ERR_CANCELED', 'ERR_BAD_OPTION', 'ERR_BAD_OPTION_VALUE', 'ERR_FR_TOO_MANY_REDIRECTS', 'ERR_INVALID_URL', 'ERR_NOT_SUPPORT', 'ERR_DEPRECATED']);

function socketCodeOf(err: unknown): string | undefined {
  for (let current: unknown = err, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && !AXIOS_CODES.has(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function truncate(text: string): string {
  return text.length > MAX_DESCRIPTION_CHARS ? `${text.slice(0, MAX_DESCRIPTION_CHARS)}…` : text;
}
