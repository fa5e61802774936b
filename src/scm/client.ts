import { normalizeScmBaseUrl } from './base-url.js';
import { OAuth2TokenCache, clientCertCredentials, parseTokenGrant, passwordCredentials, tokenErrorFromResponse, type ScmAuth, type ScmCredentials } from './auth.js';
import { ScmHttpTransport, type ScmRequest, type ScmRequestEvent } from './http-transport.js';
import { createScmLimiter, type ScmLimiter } from './limiter.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';
import type { CollectFormat } from './collect-certificate.js';
import type { CallOptions, CertProfile, CustomFieldDefinition, RevokeRequest, ScmCaller } from './types.js';
import * as ssl from './ssl.js';
import * as smime from './smime.js';
import { listOrganizations, type Organization } from './organizations.js';

export interface ScmClientOptions {
  /** Any of `https://host`, `https://host/`, `https://host/api`, `…/api/ssl/v1`, `…/private/api`. */
  baseUrl: string;
  auth: ScmAuth;
  /** PEM CA certificates trusted for SCM (and the proxy's TLS interception, if any). */
  caBundle?: string;
  /** Default true. */
  verifyTls?: boolean;
  /** `http://proxy:3128`; HTTPS to SCM is tunnelled through it with CONNECT. */
  proxyUrl?: string;
  /** Per attempt, default 30 s. */
  timeoutMs?: number;
  /** Share one across all clients so the in-flight cap is global. Default: a private limiter of 16. */
  limiter?: ScmLimiter;
  retry?: Partial<RetryPolicy>;
  /** Called after every attempt; the event never holds headers or bodies. */
  onRequest?: (event: ScmRequestEvent) => void;
}

export const DEFAULT_SCM_TIMEOUT_MS = 30_000;

/**
 * A typed client for the SCM REST API (reference/scm-api.md). Every failure is
 * an ScmError: SCM's own code and description for error answers, transport=true
 * (httpStatus 0) when SCM could not be reached. Reads are retried; orders and
 * other actions are not (see retry.ts).
 */
export class ScmClient {
  readonly apiRoot: string;
  private readonly transport: ScmHttpTransport;
  private readonly credentials: ScmCredentials;
  private readonly call: ScmCaller;

  constructor(options: ScmClientOptions) {
    this.apiRoot = apiRootFor(options.baseUrl, options.auth);
    this.transport = new ScmHttpTransport({
      apiRoot: this.apiRoot,
      caBundle: options.caBundle,
      verifyTls: options.verifyTls ?? true,
      proxyUrl: options.proxyUrl,
      clientCertificate: options.auth.type === 'client_cert' ? options.auth : undefined,
      timeoutMs: options.timeoutMs ?? DEFAULT_SCM_TIMEOUT_MS,
      limiter: options.limiter ?? createScmLimiter(),
      retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
      onRequest: options.onRequest,
    });
    this.credentials = this.credentialsFor(options.auth);
    this.call = (request: ScmRequest) => this.transport.send(request, this.credentials);
  }

  listSslTypes(orgId?: number, options?: CallOptions): Promise<CertProfile[]> {
    return ssl.listSslTypes(this.call, orgId, options);
  }
  listSslCustomFields(options?: CallOptions): Promise<CustomFieldDefinition[]> {
    return ssl.listSslCustomFields(this.call, options);
  }
  /** Never retried: a lost answer may still mean an order exists. */
  enrollSsl(request: ssl.SslEnrollRequest, options?: CallOptions): Promise<ssl.SslEnrollResult> {
    return ssl.enrollSsl(this.call, request, options);
  }
  /** PEM text as SCM sent it; base64 of the DER bytes for `bin`. Default format `base64` (PKCS#7 PEM). */
  collectSsl(sslId: number, format?: CollectFormat, options?: CallOptions): Promise<string> {
    return ssl.collectSsl(this.call, sslId, format, options);
  }
  getSsl(sslId: number, options?: CallOptions): Promise<ssl.SslDetails> {
    return ssl.getSsl(this.call, sslId, options);
  }
  listSsl(query?: ssl.SslListQuery, options?: CallOptions): Promise<ssl.SslListPage> {
    return ssl.listSsl(this.call, query, options);
  }
  revokeSsl(sslId: number, request: RevokeRequest, options?: CallOptions): Promise<void> {
    return ssl.revokeSsl(this.call, sslId, request, options);
  }
  renewSslById(sslId: number, request?: ssl.SslRenewRequest, options?: CallOptions): Promise<ssl.SslRenewByIdResult> {
    return ssl.renewSslById(this.call, sslId, request, options);
  }
  renewSsl(renewId: string, request?: ssl.SslRenewRequest, options?: CallOptions): Promise<void> {
    return ssl.renewSsl(this.call, renewId, request, options);
  }
  replaceSsl(sslId: number, request: ssl.SslReplaceRequest, options?: CallOptions): Promise<void> {
    return ssl.replaceSsl(this.call, sslId, request, options);
  }
  approveSsl(sslId: number, message: string, options?: CallOptions): Promise<void> {
    return ssl.approveSsl(this.call, sslId, message, options);
  }
  declineSsl(sslId: number, message: string, options?: CallOptions): Promise<void> {
    return ssl.declineSsl(this.call, sslId, message, options);
  }

  listSmimeTypes(orgId?: number, options?: CallOptions): Promise<CertProfile[]> {
    return smime.listSmimeTypes(this.call, orgId, options);
  }
  enrollSmime(request: smime.SmimeEnrollRequest, options?: CallOptions): Promise<smime.SmimeOrder> {
    return smime.enrollSmime(this.call, request, options);
  }
  collectSmime(backendCertId: string, format?: CollectFormat, options?: CallOptions): Promise<string> {
    return smime.collectSmime(this.call, backendCertId, format, options);
  }
  listSmime(query?: smime.SmimeListQuery, options?: CallOptions): Promise<smime.SmimeListItem[]> {
    return smime.listSmime(this.call, query, options);
  }
  revokeSmime(backendCertId: string, request: RevokeRequest, options?: CallOptions): Promise<void> {
    return smime.revokeSmime(this.call, backendCertId, request, options);
  }
  renewSmime(backendCertId: string, options?: CallOptions): Promise<smime.SmimeOrder> {
    return smime.renewSmime(this.call, backendCertId, options);
  }
  replaceSmime(backendCertId: string, request: smime.SmimeReplaceRequest, options?: CallOptions): Promise<void> {
    return smime.replaceSmime(this.call, backendCertId, request, options);
  }

  listOrganizations(options?: CallOptions): Promise<Organization[]> {
    return listOrganizations(this.call, options);
  }

  /** Releases keep-alive sockets. The client must not be used afterwards. */
  close(): void {
    this.transport.close();
  }

  private credentialsFor(auth: ScmAuth): ScmCredentials {
    if (auth.type === 'password') return passwordCredentials(auth);
    if (auth.type === 'client_cert') return clientCertCredentials(auth);
    return new OAuth2TokenCache(auth, async () => {
      const form = { grant_type: 'client_credentials', client_id: auth.clientId, client_secret: auth.clientSecret };
      const response = await this.transport.postForm(auth.tokenUrl, form, tokenErrorFromResponse);
      return parseTokenGrant(response.status, response.body.toString('utf8'));
    });
  }
}

/** SCM answers client-certificate logins under `/private/api` only; `https://host` means that root then. */
function apiRootFor(baseUrl: string, auth: ScmAuth): string {
  const { apiRoot } = normalizeScmBaseUrl(baseUrl);
  if (auth.type !== 'client_cert' || apiRoot.endsWith('/private/api')) return apiRoot;
  return apiRoot.replace(/\/api$/, '/private/api');
}
