/**
 * The Koa application: one middleware per concern, in the order a request
 * meets them, then the mounts (server/mounts.ts). A sealed server gets the
 * same wire layer but no storage-backed routes.
 */
import Koa, { type Middleware } from 'koa';
import { requireToken } from '../auth/require-token.js';
import { enforcePolicies } from '../auth/enforce-policies.js';
import type { AuditBroker } from '../audit/broker.js';
import type { PolicyStore } from '../auth/policy-store.js';
import type { TokenStore } from '../auth/token-store.js';
import { HttpError } from '../framework/errors.js';
import type { RequestState } from '../framework/request-state.js';
import { mountPaths, routeTable, type MountOptions } from '../framework/router.js';
import { routeFamilies } from '../framework/route-family.js';
import { auditRequest, auditTrail } from './audit-trail.js';
import { errorResponse } from './error-response.js';
import { withHotReads, type RequestHandler } from './hot-read.js';
import { requestContext, requestRecord, type RequestLoggers } from './request-context.js';
import { requestData } from './request-data.js';
import { sealedGate } from './sealed-gate.js';
import { vaultHeaders } from './vault-headers.js';

/** Counts requests by path family (framework/route-family.ts); metrics/server-metrics.ts is the server's. */
export interface RequestMetrics {
  observeRequest(family: string, operation: string, status: number, seconds: number): void;
  /** A read the hot-read path answered (also observed as a request). */
  observeHotRead(family: string): void;
}

export interface AppParts {
  loggers: RequestLoggers;
  metrics?: RequestMetrics;
  /** `sys/metrics` answers without a token (the `unauthenticated_metrics_access` setting). */
  unauthenticatedMetrics?: boolean;
  maxRequestDurationMs: number;
  maxRequestSize: number;
  /** Absent while sealed: then only what reports the seal answers (sealed-gate.ts). */
  auth?: { tokens: TokenStore; policies: PolicyStore; isPublic?: (vaultPath: string) => boolean };
  /** Absent while sealed: the devices and their salts live in storage. */
  audit?: AuditBroker;
  mounts: MountOptions<unknown>[];
  /** Routes whose mounts change while the server runs (PKI engines mounted through sys/mounts), after `mounts`. */
  dynamicRoutes?: Middleware<RequestState>;
}

/**
 * The server's request handler: the hot-read path (hot-read.ts) in front of
 * the application, on an unsealed server; everything it does not answer goes
 * to the application as it came.
 */
export function createRequestHandler(parts: AppParts): RequestHandler {
  const built = buildApp(parts);
  const chain = built.app.callback();
  if (!parts.auth) return chain;
  const { metrics } = parts;
  return withHotReads(
    {
      tokens: parts.auth.tokens,
      policies: parts.auth.policies,
      tokenGate: built.tokenGate,
      audit: parts.audit,
      mounts: built.mounts,
      record: built.record,
      familyOf: built.familyOf,
      answered: metrics && ((family) => metrics.observeHotRead(family)),
    },
    chain,
  );
}

function buildApp(parts: AppParts) {
  const app = new Koa<RequestState>();
  app.silent = true;
  const { metrics } = parts;
  const familyOf = routeFamilies(parts.mounts);
  const record = requestRecord(parts.loggers.access, metrics && { familyOf, observe: (...request) => metrics.observeRequest(...request) });
  const mounts = parts.mounts.map((options) => ({ options, table: routeTable(options) }));
  const tokenGate = { unauthenticatedMetrics: parts.unauthenticatedMetrics === true, isPublic: parts.auth?.isPublic };
  app.use(requestContext(parts.loggers, parts.maxRequestDurationMs, record));
  // Outside error-response: it logs each answer as it will leave (audit-trail.ts).
  if (parts.audit) app.use(auditTrail(parts.audit));
  app.use(errorResponse());
  app.use(vaultHeaders());
  app.use(requestData(parts.maxRequestSize));
  if (!parts.auth) {
    app.use(sealedGate());
  } else {
    app.use(requireToken(parts.auth.tokens, tokenGate));
    app.use(enforcePolicies(parts.auth.policies));
  }
  if (parts.audit) app.use(auditRequest(parts.audit));
  for (const mount of mounts) app.use(mountPaths(mount.options, mount.table));
  if (parts.dynamicRoutes) app.use(parts.dynamicRoutes);
  app.use(async (ctx) => {
    throw new HttpError(404, `no handler for route "${ctx.state.vaultPath}"`);
  });
  return { app, familyOf, record, mounts, tokenGate };
}
