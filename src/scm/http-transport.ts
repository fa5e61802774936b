import http from 'node:http';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AxiosInstance, AxiosProxyConfig, AxiosStatic } from 'axios';
import { lazyModule } from '../lazy-module.js';
import { ScmError } from './errors.js';
import { scmErrorFromResponse, scmErrorFromTransport, UNKNOWN_ERROR_CODE, withRetryAfter } from './error-mapping.js';
import { delayBeforeRetry, type FailedAttempt, type RetryPolicy } from './retry.js';
import type { ScmLimiter } from './limiter.js';
import type { ScmCredentials } from './auth.js';

/** axios loads with the first SCM client, not with every start (about 70 ms of a server's start-up). */
const axiosLibrary = lazyModule<AxiosStatic>('axios');

export interface ScmRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Relative to the API root: `/ssl/v1/enroll`. */
  path: string;
  /** The path with its ids as `{id}` (types.ts idPath), for events; defaults to `path`. */
  endpoint?: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as JSON. */
  body?: unknown;
  /** Whether repeating the request after a lost answer is harmless (see retry.ts). */
  idempotent: boolean;
  accept?: string;
  signal?: AbortSignal;
}

export interface ScmResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: Buffer;
}

/** One attempt of one call, for metrics and logs. Carries no header or body. */
export interface ScmRequestEvent {
  method: string;
  /** The path without host, query or ids: `/ssl/v1/collect/{id}`. */
  endpoint: string;
  /** 0 when SCM was not reached. */
  status: number;
  durationMs: number;
  /** 0 for the first try. */
  attempt: number;
  error?: ScmError;
}

export interface TransportOptions {
  apiRoot: string;
  caBundle?: string;
  verifyTls: boolean;
  proxyUrl?: string;
  /** Presented on every TLS connection (SCM's client-certificate login). */
  clientCertificate?: { certificatePem: string; privateKeyPem: string };
  timeoutMs: number;
  limiter: ScmLimiter;
  retry: RetryPolicy;
  onRequest?: (event: ScmRequestEvent) => void;
}

/** A request in wire form, after auth and URL building. */
interface Exchange {
  method: string;
  url: string;
  /** For events: the path without host, query or ids. */
  endpoint: string;
  headers: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
  data?: string;
  idempotent: boolean;
  signal?: AbortSignal;
}

type AttemptResult = { response: ScmResponse } | { failure: FailedAttempt };

/**
 * The one place that talks HTTP to SCM: TLS and proxy settings, per-attempt
 * timeout, the shared concurrency limit, retries and the error model. Every
 * non-2xx answer leaves here as an ScmError.
 */
export class ScmHttpTransport {
  private readonly http: AxiosInstance;
  private readonly agents: Array<http.Agent>;

  constructor(private readonly options: TransportOptions) {
    const httpAgent = new http.Agent({ keepAlive: true });
    const httpsAgent = new https.Agent({
      keepAlive: true,
      ca: options.caBundle,
      rejectUnauthorized: options.verifyTls,
      ...(options.clientCertificate && { cert: options.clientCertificate.certificatePem, key: options.clientCertificate.privateKeyPem }),
    });
    this.agents = [httpAgent, httpsAgent];
    this.http = axiosLibrary().create({
      httpAgent,
      httpsAgent,
      // Only the configured proxy: an HTTPS_PROXY in the server's environment
      // must not silently reroute SCM credentials.
      proxy: options.proxyUrl ? proxyConfig(options.proxyUrl) : false,
      // A redirect would carry the `password` header to wherever it points.
      maxRedirects: 0,
      responseType: 'arraybuffer',
      transformResponse: (data: unknown) => data,
      validateStatus: () => true,
      maxContentLength: 16 * 1024 * 1024,
    });
  }

  /** Sends an API call with the given credentials; resolves only for 2xx. */
  async send(request: ScmRequest, credentials: ScmCredentials): Promise<ScmResponse> {
    let refreshedAfter401 = false;
    for (let attempt = 0; ; attempt++) {
      request.signal?.throwIfAborted();
      // Headers (and so any OAuth2 token fetch) before taking a limiter slot:
      // a token fetch inside a slot could wait on slots held by calls that
      // are themselves waiting for that token.
      const authHeaders = await credentials.headers();
      const exchange: Exchange = {
        method: request.method,
        url: this.options.apiRoot + request.path,
        endpoint: request.endpoint ?? request.path,
        query: request.query,
        headers: {
          Accept: request.accept ?? 'application/json',
          ...(request.body === undefined ? {} : { 'Content-Type': 'application/json;charset=UTF-8' }),
          ...authHeaders,
        },
        data: request.body === undefined ? undefined : JSON.stringify(request.body),
        idempotent: request.idempotent,
        signal: request.signal,
      };
      const result = await this.options.limiter.run(() => this.attempt(exchange, attempt, scmErrorFromResponse));
      if ('response' in result) return result.response;
      const { error } = result.failure;
      // A 401 means SCM did not act, so one more try with a fresh token is
      // safe for any call (the token may have been revoked before expiry).
      if (error.httpStatus === 401 && credentials.refreshable && !refreshedAfter401) {
        credentials.rejected(authHeaders);
        refreshedAfter401 = true;
        attempt--;
        continue;
      }
      await this.waitBeforeRetry(result.failure, attempt, exchange);
    }
  }

  /**
   * Posts a form to an OAuth2 token endpoint. Not limited: it is another
   * service, and calls waiting for the token already wait outside the limiter.
   */
  async postForm(url: string, form: Record<string, string>, toError: (status: number, body: string) => ScmError): Promise<ScmResponse> {
    const exchange: Exchange = {
      method: 'POST',
      url,
      endpoint: new URL(url).pathname,
      headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
      data: new URLSearchParams(form).toString(),
      // Asking for a token twice only yields two tokens.
      idempotent: true,
    };
    for (let attempt = 0; ; attempt++) {
      const result = await this.attempt(exchange, attempt, toError);
      if ('response' in result) return result.response;
      await this.waitBeforeRetry(result.failure, attempt, exchange);
    }
  }

  /** Closes idle keep-alive sockets so servers (and test runs) can shut down. */
  close(): void {
    for (const agent of this.agents) agent.destroy();
  }

  private async waitBeforeRetry(failure: FailedAttempt, attempt: number, exchange: Exchange): Promise<void> {
    const delay = delayBeforeRetry(failure, attempt, exchange.idempotent, this.options.retry);
    if (delay === undefined) throw failure.error;
    try {
      await sleep(delay, undefined, { signal: exchange.signal });
    } catch {
      exchange.signal?.throwIfAborted();
    }
  }

  private async attempt(exchange: Exchange, attempt: number, toError: (status: number, body: string) => ScmError): Promise<AttemptResult> {
    const { timeoutMs, onRequest } = this.options;
    const started = performance.now();
    // A deadline for the whole exchange; axios's own `timeout` only notices an
    // idle socket, not an answer that trickles in forever.
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = exchange.signal ? AbortSignal.any([exchange.signal, deadline]) : deadline;
    let result: AttemptResult;
    try {
      const answer = await this.http.request<Buffer>({
        method: exchange.method,
        url: exchange.url,
        params: exchange.query && definedOnly(exchange.query),
        headers: exchange.headers,
        data: exchange.data,
        signal,
      });
      const response: ScmResponse = { status: answer.status, headers: flatHeaders(answer.headers), body: Buffer.from(answer.data ?? []) };
      result =
        response.status >= 200 && response.status < 300
          ? { response }
          : {
              failure: {
                error: withRetryAfter(toError(response.status, response.body.toString('utf8')), response.headers['retry-after']),
                retryAfterHeader: response.headers['retry-after'],
              },
            };
    } catch (err) {
      if (exchange.signal?.aborted) throw exchange.signal.reason;
      result = deadline.aborted
        ? { failure: { error: new ScmError(0, UNKNOWN_ERROR_CODE, `no answer within ${timeoutMs} ms`, true), socketCode: 'ETIMEDOUT' } }
        : { failure: scmErrorFromTransport(err) };
    }
    onRequest?.({
      method: exchange.method,
      endpoint: exchange.endpoint,
      status: 'response' in result ? result.response.status : result.failure.error.httpStatus,
      durationMs: performance.now() - started,
      attempt,
      ...('failure' in result ? { error: result.failure.error } : {}),
    });
    return result;
  }
}

function proxyConfig(proxyUrl: string): AxiosProxyConfig {
  const url = new URL(proxyUrl);
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return {
    protocol: url.protocol.replace(':', ''),
    host: url.hostname,
    port,
    ...(url.username ? { auth: { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) } } : {}),
  };
}

function definedOnly(query: Record<string, string | number | boolean | undefined>): Record<string, string | number | boolean> {
  return Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined)) as Record<string, string | number | boolean>;
}

function flatHeaders(headers: object): Record<string, string | undefined> {
  const flat: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value == null ? undefined : String(value);
  }
  return flat;
}
