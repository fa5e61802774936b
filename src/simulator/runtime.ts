/**
 * The parts every route module needs, and the one way SCM endpoints are
 * mounted: count the call, let fault injection have its say, authenticate,
 * run the handler, persist, let an answer-delaying fault hold the answer.
 */
import type { Context } from 'koa';
import { authenticate, type Credentials, type TokenStore } from './auth.js';
import type { CertificateAuthority } from './ca.js';
import type { FaultInjector } from './faults.js';
import type { Issuer } from './issuance.js';
import type { RouteHandler, RouteMethod, RouteTable } from './route-table.js';
import { scm } from './scm-reply.js';
import type { SimulatorState } from './state.js';

export interface SimulatorRuntime {
  state: SimulatorState;
  ca: CertificateAuthority;
  issuer: Issuer;
  credentials: Credentials;
  tokens: TokenStore;
  faults: FaultInjector;
  counters: Map<string, number>;
  persist(): Promise<void>;
}

export function mountScm(
  routes: RouteTable,
  runtime: SimulatorRuntime,
  method: RouteMethod,
  path: string | string[],
  endpoint: string,
  handler: RouteHandler,
  { authenticated = true } = {},
): void {
  routes.add(method, path, async (ctx, params) => {
    runtime.counters.set(endpoint, (runtime.counters.get(endpoint) ?? 0) + 1);
    if (await runtime.faults.apply(ctx, endpoint)) return;
    if (authenticated) authenticate(ctx, runtime.credentials, runtime.tokens);
    try {
      await handler(ctx, params);
    } finally {
      // Lazy issuance can change state on a GET, so every call may need saving.
      await runtime.persist();
    }
    await runtime.faults.apply(ctx, endpoint, 'after');
  });
}

export function rawBody(ctx: Context): string {
  return (ctx.state as { rawBody?: string }).rawBody ?? '';
}

/**
 * The request's JSON. SCM (Spring) takes a body whatever its Content-Type;
 * clients send nothing, `""` or `{}` where no body is needed (renewById).
 */
export function jsonBody(ctx: Context): Record<string, unknown> {
  const text = rawBody(ctx).trim();
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw scm.malformedBody();
  }
  if (parsed === null || parsed === '') return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw scm.malformedBody();
  return parsed as Record<string, unknown>;
}

/** The same endpoint under several API versions, e.g. `ssl/v1` and its `ssl/v2` mirror. */
export function versioned(service: string, versions: string[], suffix: string): string[] {
  return versions.map((version) => `/api/${service}/${version}${suffix}`);
}

/** `{sslId}`-style path params: SCM's ids are positive integers. */
export function intParam(value: string | undefined): number | undefined {
  return value !== undefined && /^\d{1,15}$/.test(value) ? Number(value) : undefined;
}
