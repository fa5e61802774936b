/**
 * The Koa application: one middleware per concern, in the order a request
 * meets them, then the mounts (server/mounts.ts). A sealed server gets the
 * same wire layer but no storage-backed routes.
 */
import Koa from 'koa';
import { requireToken } from '../auth/require-token.js';
import { enforcePolicies } from '../auth/enforce-policies.js';
import type { AuditBroker } from '../audit/broker.js';
import type { PolicyStore } from '../auth/policy-store.js';
import type { TokenStore } from '../auth/token-store.js';
import { HttpError } from '../framework/errors.js';
import type { RequestState } from '../framework/request-state.js';
import { mountPaths, type MountOptions } from '../framework/router.js';
import type { Logger } from '../logging.js';
import { auditRequest, auditTrail } from './audit-trail.js';
import { errorResponse } from './error-response.js';
import { requestContext } from './request-context.js';
import { requestData } from './request-data.js';
import { sealedGate } from './sealed-gate.js';
import { vaultHeaders } from './vault-headers.js';

export interface AppParts {
  logger: Logger;
  maxRequestDurationMs: number;
  maxRequestSize: number;
  /** Absent while sealed: then only what reports the seal answers (sealed-gate.ts). */
  auth?: { tokens: TokenStore; policies: PolicyStore };
  /** Absent while sealed: the devices and their salts live in storage. */
  audit?: AuditBroker;
  mounts: MountOptions<unknown>[];
}

export function createApp(parts: AppParts): Koa<RequestState> {
  const app = new Koa<RequestState>();
  app.silent = true;
  app.use(requestContext(parts.logger, parts.maxRequestDurationMs));
  // Outside error-response: it logs each answer as it will leave (audit-trail.ts).
  if (parts.audit) app.use(auditTrail(parts.audit));
  app.use(errorResponse());
  app.use(vaultHeaders());
  app.use(requestData(parts.maxRequestSize));
  if (!parts.auth) {
    app.use(sealedGate());
  } else {
    app.use(requireToken(parts.auth.tokens));
    app.use(enforcePolicies(parts.auth.policies));
  }
  if (parts.audit) app.use(auditRequest(parts.audit));
  for (const mount of parts.mounts) app.use(mountPaths(mount));
  app.use(async (ctx) => {
    throw new HttpError(404, `no handler for route "${ctx.state.vaultPath}"`);
  });
  return app;
}
