/**
 * One HTTP request to a Vault-compatible server, sent the way the `vault` CLI
 * sends it: token in X-Vault-Token, JSON body with no Content-Type, no retries,
 * one client timeout for the whole exchange.
 */
import https from 'node:https';
import type { Readable } from 'node:stream';
import type { AxiosStatic } from 'axios';
import { lazyModule } from '../lazy-module.js';
import type { ClientConfig } from './client-config.js';

/** axios's CommonJS build, one file instead of the ES build's ~70 modules: half the CLI's start-up CPU. */
const axiosLibrary = lazyModule<AxiosStatic>('axios');

export type ApiMethod = 'GET' | 'PUT' | 'DELETE' | 'LIST';

/** The Vault response envelope (`api.Secret`). */
export interface Secret {
  request_id?: string;
  lease_id?: string;
  lease_duration?: number;
  renewable?: boolean;
  data?: Record<string, unknown> | null;
  warnings?: string[] | null;
  auth?: Record<string, unknown> | null;
  wrap_info?: Record<string, unknown> | null;
  mount_type?: string;
}

export interface ApiResponse {
  method: ApiMethod;
  url: string;
  status: number;
  text: string;
}

export interface RequestOptions {
  query?: URLSearchParams;
  /** JSON-encoded as is; `null` is sent as the literal body `null` (`write -f`). Omit for no body. */
  body?: unknown;
  /** Overrides the configured token (login checks a token before storing it). */
  token?: string;
}

/** The server answered with a status outside 200–399. */
export class ApiRequestError extends Error {
  override name = 'ApiRequestError';
  constructor(readonly response: ApiResponse) {
    super(describeApiError(response));
  }
}

/** No answer at all: connection refused, TLS failure, timeout. */
export class TransportError extends Error {
  override name = 'TransportError';
}

export class VaultClient {
  private readonly httpsAgent: https.Agent | undefined;

  constructor(readonly config: ClientConfig) {
    this.httpsAgent = config.address.startsWith('https:')
      ? new https.Agent({ ca: config.caCert, rejectUnauthorized: !config.skipVerify, minVersion: 'TLSv1.2' })
      : undefined;
  }

  urlFor(path: string, query?: URLSearchParams): string {
    const search = query && [...query.keys()].length > 0 ? `?${query}` : '';
    return `${this.config.address}/v1/${path}${search}`;
  }

  /**
   * GETs a binary body as a stream (a snapshot). A failure status throws
   * ApiRequestError with the body read as text, as request() reports it.
   */
  async download(path: string): Promise<Readable> {
    const url = this.urlFor(path);
    try {
      const response = await axiosLibrary().request<Readable>({
        url,
        method: 'GET',
        headers: { 'X-Vault-Request': 'true', ...(this.config.token ? { 'X-Vault-Token': this.config.token } : {}) },
        responseType: 'stream',
        validateStatus: () => true,
        maxRedirects: 0,
        timeout: this.config.timeoutSeconds * 1000,
        httpsAgent: this.httpsAgent,
      });
      if (response.status >= 200 && response.status < 300) return response.data;
      const chunks: Buffer[] = [];
      for await (const chunk of response.data) chunks.push(chunk as Buffer);
      throw new ApiRequestError({ method: 'GET', url, status: response.status, text: Buffer.concat(chunks).toString('utf8') });
    } catch (err) {
      if (err instanceof ApiRequestError) throw err;
      throw new TransportError(describeTransportError('GET', url, err, this.config.timeoutSeconds));
    }
  }

  /** Sends the request; any HTTP status is returned, only transport failures throw. */
  async request(method: ApiMethod, path: string, options: RequestOptions = {}): Promise<ApiResponse> {
    const url = this.urlFor(path, options.query);
    const token = options.token ?? this.config.token;
    try {
      const response = await axiosLibrary().request<string>({
        url,
        method,
        // The vault CLI sends JSON without a Content-Type; the server must parse it anyway.
        headers: { 'Content-Type': false, 'X-Vault-Request': 'true', ...(token ? { 'X-Vault-Token': token } : {}) },
        data: 'body' in options ? JSON.stringify(options.body) : undefined,
        responseType: 'text',
        transformResponse: [(raw: string) => raw],
        validateStatus: () => true,
        maxRedirects: 0,
        timeout: this.config.timeoutSeconds * 1000,
        httpsAgent: this.httpsAgent,
      });
      return { method, url, status: response.status, text: response.data ?? '' };
    } catch (err) {
      throw new TransportError(describeTransportError(method, url, err, this.config.timeoutSeconds));
    }
  }
}

export function isSuccess(response: ApiResponse): boolean {
  return response.status >= 200 && response.status < 400;
}

/** The envelope, or null for an empty body (204) — Vault's "nil secret". */
export function parseSecret(response: ApiResponse): Secret | null {
  if (response.text.trim() === '') return null;
  const parsed = parseJson(response.text);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new TransportError(`unexpected response from ${response.method} ${response.url}: ${truncate(response.text)}`);
  }
  return parsed as Secret;
}

/** Vault's api.ResponseError text, which scripts and people already know how to read. */
function describeApiError(response: ApiResponse): string {
  const head = `Error making API request.\n\nURL: ${response.method} ${response.url}\nCode: ${response.status}. `;
  const body = parseJson(response.text) as { errors?: unknown } | undefined;
  if (!body || !Array.isArray(body.errors)) return `${head}Raw Message:\n\n${response.text}`;
  return `${head}Errors:\n\n${body.errors.map((e) => `* ${String(e)}`).join('\n')}`;
}

function describeTransportError(method: ApiMethod, url: string, err: unknown, timeoutSeconds: number): string {
  if (axiosLibrary().isAxiosError(err)) {
    if (err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT') {
      return `${method} "${url}": no response within ${timeoutSeconds}s (raise VAULT_CLIENT_TIMEOUT to wait longer)`;
    }
    return `${method} "${url}": ${err.message}`;
  }
  return `${method} "${url}": ${String(err)}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function truncate(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/**
 * The secret of a response, as Vault's api reads it: a 404 whose body carries
 * data or warnings is still a result; a bare 404 is "nothing there" (null)
 * when `notFoundIsEmpty`. A 404 that says why (an unknown certificate id, an
 * unsupported path) is an error like every other failure status, so its
 * message is shown rather than "No value found".
 */
export function secretFromResponse(response: ApiResponse, notFoundIsEmpty: boolean): Secret | null {
  if (response.status === 404) {
    const secret = parseJson(response.text) as (Secret & { errors?: unknown[] }) | undefined;
    const hasContent = Object.keys(secret?.data ?? {}).length > 0 || (secret?.warnings ?? []).length > 0;
    if (hasContent) return secret!;
    if (notFoundIsEmpty && (secret?.errors ?? []).length === 0) return null;
  }
  if (!isSuccess(response)) throw new ApiRequestError(response);
  return parseSecret(response);
}
