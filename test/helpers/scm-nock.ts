/**
 * Shared set-up for the SCM client's nock tests: a client pointed at a
 * fictitious SCM host, and a recorder that captures every request exactly as
 * it left the client (method, path, query, headers, JSON body).
 */
import nock from 'nock';
import type { Test } from 'tap';
import { ScmClient, type ScmClientOptions } from '../../src/scm/index.js';

export const SCM_ORIGIN = 'https://scm.example.test';

export const PASSWORD_AUTH = { type: 'password', login: 'api-admin', password: 's3cret!', customerUri: 'acme' } as const;

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/**
 * nock intercepts every HTTP request of the process while it is active: on
 * for this file's tests (with no real connection at all when `offline`),
 * off again at its teardown, so the next file of a suite (suite.ts) talks to
 * real sockets.
 */
export function interceptHttp(t: Test, { offline = false } = {}): void {
  if (!nock.isActive()) nock.activate();
  if (offline) nock.disableNetConnect();
  t.teardown(() => {
    nock.cleanAll();
    nock.enableNetConnect();
    nock.restore();
  });
}

export function scmClient(overrides: Partial<ScmClientOptions> = {}): ScmClient {
  return new ScmClient({
    baseUrl: SCM_ORIGIN,
    auth: PASSWORD_AUTH,
    retry: { retries: 3, baseDelayMs: 1, maxDelayMs: 5 },
    ...overrides,
  });
}

/**
 * Answers `method path` once with `status`/`body`/`headers` (after `delayMs`)
 * and records the request into `log`.
 */
export function expectCall(
  log: RecordedRequest[],
  method: string,
  path: string | RegExp,
  status: number,
  body: string | object = '',
  { headers = {}, delayMs = 0 }: { headers?: Record<string, string>; delayMs?: number } = {},
): nock.Scope {
  return nock(SCM_ORIGIN)
    .intercept(path, method)
    .delay(delayMs)
    .reply(function reply(uri, requestBody) {
      log.push({ method: this.req.method, path: uri, headers: this.req.headers, body: parseBody(requestBody) });
      return [status, typeof body === 'string' ? body : JSON.stringify(body), headers];
    });
}

/** nock hands over a JSON body parsed and any other body as text. */
function parseBody(body: nock.Body): unknown {
  if (typeof body !== 'string') return body;
  if (body === '') return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}
