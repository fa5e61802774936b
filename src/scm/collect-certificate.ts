import { ScmError } from './errors.js';
import type { ScmResponse } from './http-transport.js';
import type { CallOptions, IdPath, ScmCaller } from './types.js';

/** SCM's collect formats (reference/scm-api.md §4.5). `base64` is SCM's default. */
export const COLLECT_FORMATS = ['x509', 'x509CO', 'x509IO', 'x509IOR', 'x509R', 'pem', 'pemco', 'pemia', 'base64', 'bin'] as const;
export type CollectFormat = (typeof COLLECT_FORMATS)[number];

/** Formats whose body is raw bytes rather than PEM text. */
const BINARY_FORMATS: ReadonlySet<CollectFormat> = new Set(['bin']);

/** Code of the "pending" ScmError raised for an empty 200 collect answer. */
export const BEING_PROCESSED_CODE = 0;

/** One collect call (SSL or S/MIME: only the path differs), read as below. */
export async function collectCertificate(call: ScmCaller, path: IdPath, format: CollectFormat, options: CallOptions): Promise<string> {
  const response = await call({
    method: 'GET',
    ...path,
    query: { format },
    // Collect answers application/octet-stream; asking only for JSON could
    // earn a 406 from SCM's Spring stack.
    accept: '*/*',
    idempotent: true,
    ...options,
  });
  return readCollectedCertificate(response, format);
}

/**
 * The collected body as a string: PEM text for the text formats (exactly as
 * SCM sent it), and base64 of the DER bytes for `bin`, so every format fits a
 * JSON record. An empty 200 is treated like SCM's own "being processed"
 * answer: some gateways send it while the certificate is not ready.
 */
function readCollectedCertificate(response: ScmResponse, format: CollectFormat): string {
  if (response.body.length === 0 || response.body.toString('utf8').trim() === '') {
    throw new ScmError(response.status, BEING_PROCESSED_CODE, 'Being processed by Sectigo (SCM returned an empty certificate)');
  }
  return BINARY_FORMATS.has(format) ? response.body.toString('base64') : response.body.toString('utf8');
}

export type CollectErrorKind = 'pending' | 'failed';

/**
 * Every "not issued yet" form the reference records (§3.4, §4.5, §5.3, §13):
 * 0 "Being processed by Sectigo" (the usual SSL answer, also seen for S/MIME),
 * -1400 "The request is being processed by Sectigo.", -183 "Certificate is not
 * collectable." (S/MIME), -109 "Certificate is not available now, please try
 * again later.", -103 "Certificate has not been collected yet.", -1113 "… is
 * not ready to be applied".
 */
const PENDING_CODES: ReadonlySet<number> = new Set([BEING_PROCESSED_CODE, -1400, -183, -109, -103, -1113]);
/** The same meanings in words, for codes SCM reuses or versions that word them differently. */
const PENDING_TEXT = /being processed|not (yet )?collectable|not (yet )?(issued|ready)|not available now|try again later/i;

/**
 * Whether a failed collect means "ask again later" or "this order will not
 * produce a certificate". Pending also covers SCM being unreachable, 5xx and
 * 429: none of them says anything about the order, so the caller keeps the
 * record pending and collects again instead of recording a failure.
 * Anything that is not an ScmError (a bug) is 'failed'.
 */
export function classifyCollectError(err: unknown): CollectErrorKind {
  if (!(err instanceof ScmError)) return 'failed';
  if (err.transport || err.httpStatus >= 500 || err.httpStatus === 429) return 'pending';
  if (PENDING_CODES.has(err.code) || PENDING_TEXT.test(err.description)) return 'pending';
  return 'failed';
}

export function isPendingCollectError(err: unknown): boolean {
  return classifyCollectError(err) === 'pending';
}
