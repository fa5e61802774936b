/**
 * The Koa application: one middleware per concern, in the order a request
 * meets them. A sealed server gets the same wire layer but no storage-backed
 * routes.
 */
import Koa from 'koa';
import { requireToken } from '../auth/require-token.js';
import { enforcePolicies } from '../auth/enforce-policies.js';
import { policyPaths, type PolicyContext } from '../auth/policy-paths.js';
import type { PolicyStore } from '../auth/policy-store.js';
import { tokenPaths, type TokenContext } from '../auth/token-paths.js';
import type { TokenStore } from '../auth/token-store.js';
import type { EngineContext } from '../engine/context.js';
import { enginePaths } from '../engine/paths.js';
import { HttpError } from '../framework/errors.js';
import { mountPaths } from '../framework/router.js';
import type { Logger } from '../logging.js';
import type { ServerSettings } from '../server/settings.js';
import { errorResponse } from './error-response.js';
import { requestContext } from './request-context.js';
import { requestData } from './request-data.js';
import type { RequestState } from '../framework/request-state.js';
import { sealedGate } from './sealed-gate.js';
import { sysPaths, type SysContext } from './sys-paths.js';
import { vaultHeaders } from './vault-headers.js';

export interface AppParts {
  logger: Logger;
  settings: ServerSettings;
  sys: SysContext;
  /** Absent while sealed. */
  unsealed?: { tokens: TokenStore; policies: PolicyStore; engine: EngineContext };
}

export function createApp(parts: AppParts): Koa<RequestState> {
  const app = new Koa<RequestState>();
  app.silent = true;
  app.use(requestContext(parts.logger, parts.settings.max_request_duration * 1000));
  app.use(errorResponse());
  app.use(vaultHeaders());
  app.use(requestData(parts.settings.max_request_size));
  if (!parts.unsealed) {
    app.use(sealedGate());
  } else {
    const { tokens, policies, engine } = parts.unsealed;
    app.use(requireToken(tokens));
    app.use(enforcePolicies(policies));
    app.use(mountPaths<TokenContext>({ mount: 'auth/token', mountType: 'token', definitions: tokenPaths, context: { tokens } }));
    app.use(mountPaths<PolicyContext>({ mount: 'sys/policies', mountType: 'system', definitions: policyPaths, context: { policies } }));
    app.use(
      mountPaths<EngineContext>({
        mount: parts.settings.mount_path,
        mountType: 'sectigo-vault-pki',
        definitions: enginePaths,
        context: engine,
      }),
    );
  }
  app.use(mountPaths<SysContext>({ mount: 'sys', mountType: 'system', definitions: sysPaths, context: parts.sys }));
  app.use(async (ctx) => {
    throw new HttpError(404, `no handler for route "${ctx.state.vaultPath}"`);
  });
  return app;
}
