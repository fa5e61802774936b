import type { ScmRequest, ScmResponse } from './http-transport.js';

/** Sends one API call with the client's credentials; resolves only for 2xx. */
export type ScmCaller = (request: ScmRequest) => Promise<ScmResponse>;

export interface CallOptions {
  /** Aborts the call (and its retries); the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** A certificate profile from `/ssl/v1/types` or `/smime/v1/types`. */
export interface CertProfile {
  id: number;
  name: string;
  description?: string;
  /** Allowed terms in days. */
  terms: number[];
  /** Algorithm → sizes or curves, as strings: `{"RSA":["2048","4096"],"EC":["P-256"]}`. */
  keyTypes?: Record<string, string[]>;
  useSecondaryOrgName?: boolean;
}

export interface CustomFieldDefinition {
  id: number;
  name: string;
  mandatory?: boolean;
  [extra: string]: unknown;
}

export interface CustomFieldValue {
  name: string;
  value: string;
}

export type DcvMode = 'EMAIL' | 'CNAME' | 'HTTP' | 'HTTPS' | 'TXT' | 'AUTO';

/** RFC 5280 reason codes SCM accepts: unspecified, keyCompromise, affiliationChanged, superseded, cessationOfOperation. */
export type RevocationReasonCode = 0 | 1 | 3 | 4 | 5;

export interface RevokeRequest {
  /** SSL: 1..512 characters, required by SCM. S/MIME: may be empty. */
  reason: string;
  /** Omitted when not given; SCM then records 0 (unspecified). */
  reasonCode?: RevocationReasonCode;
}

/** An API path with ids in it: `path` with each id encoded, `endpoint` with each as `{id}`. */
export interface IdPath {
  path: string;
  endpoint: string;
}

/**
 * `idPath\`/ssl/v1/revoke/${sslId}\`` → `/ssl/v1/revoke/1234` to call, and
 * `/ssl/v1/revoke/{id}` to name the call by in metrics and logs, where an id
 * would make every order its own series.
 */
export function idPath(strings: TemplateStringsArray, ...ids: Array<number | string>): IdPath {
  return {
    path: strings.reduce((path, text, i) => path + text + (i < ids.length ? encodeURIComponent(String(ids[i])) : ''), ''),
    endpoint: strings.join('{id}'),
  };
}
