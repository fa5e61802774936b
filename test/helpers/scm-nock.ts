/**
 * Shared set-up for the SCM client's nock tests: a client pointed at a
 * fictitious SCM host, and a recorder that captures every request exactly as
 * it left the client (method, path, query, headers, JSON body).
 */
import nock from 'nock';
import { ScmClient, type ScmClientOptions } from '../../src/scm/index.js';

// nock 15's interceptors call Promise.withResolvers (Node 22+); the project
// supports Node 20, so tests that use nock provide it.
const promiseStatics = Promise as unknown as { withResolvers?: () => unknown };
promiseStatics.withResolvers ??= function withResolvers() {
  let resolve!: (value: unknown) => void;
  let reject!: (reason?: unknown) => void;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

export const SCM_ORIGIN = 'https://scm.example.test';

export const PASSWORD_AUTH = { type: 'password', login: 'api-admin', password: 's3cret!', customerUri: 'acme' } as const;

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
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
  // nock 15 hands the reply function the request as a Fetch API Request.
  return nock(SCM_ORIGIN)
    .intercept(path, method)
    .delay(delayMs)
    .reply(async (request: Request) => {
      const url = new URL(request.url);
      log.push({
        method: request.method,
        path: url.pathname + url.search,
        headers: Object.fromEntries(request.headers.entries()),
        body: parseBody(await request.text()),
      });
      return [status, typeof body === 'string' ? body : JSON.stringify(body), headers];
    });
}

function parseBody(body: string): unknown {
  if (body === '') return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}
