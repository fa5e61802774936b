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

/** No answer from SCM (reset, DNS, TLS, proxy): httpStatus 0, transport=true. */
export function scmErrorFromTransport(err: unknown): { error: ScmError; socketCode?: string } {
  const socketCode = socketCodeOf(err);
  const message = (err instanceof Error ? err.message : String(err)) || 'connection failed';
  const description = socketCode && !message.includes(socketCode) ? `${socketCode}: ${message}` : message;
  return { error: new ScmError(0, UNKNOWN_ERROR_CODE, description, true), socketCode };
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
