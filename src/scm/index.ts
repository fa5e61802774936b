export { ScmClient, DEFAULT_SCM_TIMEOUT_MS, type ScmClientOptions } from './client.js';
export { ScmError } from './errors.js';
export { UNKNOWN_ERROR_CODE, UNKNOWN_USER_CODE } from './error-mapping.js';
export { createScmLimiter, DEFAULT_SCM_CONCURRENCY, type ScmLimiter } from './limiter.js';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';
export { normalizeScmBaseUrl, type ScmApiRoot } from './base-url.js';
export type { ScmAuth, PasswordAuth, OAuth2Auth, ClientCertAuth } from './auth.js';
export type { ScmRequestEvent } from './http-transport.js';
export {
  classifyCollectError,
  isPendingCollectError,
  COLLECT_FORMATS,
  BEING_PROCESSED_CODE,
  type CollectFormat,
  type CollectErrorKind,
} from './collect-certificate.js';
export type { CallOptions, CertProfile, CustomFieldDefinition, CustomFieldValue, DcvMode, RevokeRequest, RevocationReasonCode } from './types.js';
export type {
  SslEnrollRequest,
  SslEnrollResult,
  SslDetails,
  SslStatus,
  SslListQuery,
  SslListItem,
  SslListPage,
  SslRenewRequest,
  SslRenewByIdResult,
  SslReplaceRequest,
} from './ssl.js';
export type { SmimeEnrollRequest, SmimeOrder, SmimeReplaceRequest, SmimeListQuery, SmimeListItem } from './smime.js';
export type { Organization, Department } from './organizations.js';
