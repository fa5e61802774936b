import { ScmError } from './errors.js';
import { UNKNOWN_ERROR_CODE, UNKNOWN_USER_CODE } from './error-mapping.js';

/** Legacy header login (reference/scm-api.md §2.1): three headers on every call. */
export interface PasswordAuth {
  type: 'password';
  login: string;
  password: string;
  customerUri: string;
}

/** Admin API client credentials (reference/scm-api.md §2.4). */
export interface OAuth2Auth {
  type: 'oauth2';
  clientId: string;
  clientSecret: string;
  tokenUrl: string;
  /** Sent as a `customerUri` header when given; SCM ignores it with a bearer token. */
  customerUri?: string;
}

/**
 * Client-certificate login (reference/scm-api.md §2.2): the certificate on the
 * TLS connection, `login` and `customerUri` headers and no password, against
 * the `/private/api` root.
 */
export interface ClientCertAuth {
  type: 'client_cert';
  login: string;
  customerUri: string;
  certificatePem: string;
  privateKeyPem: string;
}

export type ScmAuth = PasswordAuth | OAuth2Auth | ClientCertAuth;

/** Produces the auth headers for one request. */
export interface ScmCredentials {
  headers(): Promise<Record<string, string>>;
  /** SCM answered 401 to these headers: drop them if they are still the cached ones. */
  rejected(headers: Record<string, string>): void;
  /** Whether a 401 is worth one more try with fresh headers. */
  readonly refreshable: boolean;
}

export function passwordCredentials(auth: PasswordAuth): ScmCredentials {
  return fixedHeaders({ login: auth.login, password: auth.password, customerUri: auth.customerUri });
}

/** The certificate itself travels in the TLS handshake (http-transport.ts). */
export function clientCertCredentials(auth: ClientCertAuth): ScmCredentials {
  return fixedHeaders({ login: auth.login, customerUri: auth.customerUri });
}

function fixedHeaders(headers: Record<string, string>): ScmCredentials {
  return { headers: async () => headers, rejected: () => {}, refreshable: false };
}

export interface TokenGrant {
  accessToken: string;
  expiresInMs: number;
}

/**
 * A token is replaced this long before it expires, so a request never leaves
 * with a token that dies on the way. A token that lives shorter than this is
 * used for one request only.
 */
export const TOKEN_REFRESH_MARGIN_MS = 30_000;

/**
 * Caches the OAuth2 access token and refreshes it shortly before expiry. One
 * refresh at a time: calls that need a token while it is being fetched wait
 * for that fetch instead of each asking the token endpoint.
 */
export class OAuth2TokenCache implements ScmCredentials {
  readonly refreshable = true;
  private token: { value: string; refreshAt: number } | undefined;
  private refreshing: Promise<string> | undefined;

  constructor(
    private readonly auth: OAuth2Auth,
    private readonly fetchToken: () => Promise<TokenGrant>,
    private readonly now: () => number = Date.now,
  ) {}

  async headers(): Promise<Record<string, string>> {
    const token = this.token && this.now() < this.token.refreshAt ? this.token.value : await this.refresh();
    const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
    if (this.auth.customerUri) headers.customerUri = this.auth.customerUri;
    return headers;
  }

  rejected(headers: Record<string, string>): void {
    if (this.token && headers.Authorization === `Bearer ${this.token.value}`) this.token = undefined;
  }

  private refresh(): Promise<string> {
    this.refreshing ??= this.fetchToken()
      .then((grant) => {
        this.token = { value: grant.accessToken, refreshAt: this.now() + grant.expiresInMs - TOKEN_REFRESH_MARGIN_MS };
        return grant.accessToken;
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }
}

/** Keycloak's default when a token response omits `expires_in`. */
const DEFAULT_TOKEN_LIFETIME_S = 300;

/** Reads a successful token endpoint answer. */
export function parseTokenGrant(status: number, body: string): TokenGrant {
  const value = parseJsonObject(body);
  if (typeof value.access_token !== 'string' || value.access_token === '') {
    throw new ScmError(status, UNKNOWN_ERROR_CODE, `OAuth2 token endpoint answered HTTP ${status} without an access_token`);
  }
  const expiresIn = Number(value.expires_in ?? DEFAULT_TOKEN_LIFETIME_S);
  const lifetime = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : DEFAULT_TOKEN_LIFETIME_S;
  return { accessToken: value.access_token, expiresInMs: lifetime * 1000 };
}

/** A token endpoint refusal; 400/401 mean a wrong client id or secret, reported as SCM's -16. */
export function tokenErrorFromResponse(status: number, body: string): ScmError {
  const value = parseJsonObject(body);
  const reason = [value.error, value.error_description].filter((part) => typeof part === 'string').join(': ');
  const description = `OAuth2 token request failed (HTTP ${status})${reason ? `: ${reason}` : ''}`;
  const code = status === 400 || status === 401 ? UNKNOWN_USER_CODE : UNKNOWN_ERROR_CODE;
  return new ScmError(status, code, description);
}

function parseJsonObject(body: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
