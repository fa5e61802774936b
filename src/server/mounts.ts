/**
 * The one table of what is mounted where: the HTTP app routes through it and
 * the OpenAPI document is built from it, so the two cannot disagree. Order
 * matters where mounts nest: `sys/policies`, `sys/audit` and `sys/audit-hash`
 * before `sys`.
 */
import { auditDevicePaths, auditHashPaths } from '../audit/audit-paths.js';
import type { AuditBroker } from '../audit/broker.js';
import { policyPaths } from '../auth/policy-paths.js';
import type { PolicyStore } from '../auth/policy-store.js';
import { tokenPaths } from '../auth/token-paths.js';
import type { TokenStore } from '../auth/token-store.js';
import type { EngineContext } from '../engine/context.js';
import { enginePaths } from '../engine/paths.js';
import type { MountOptions } from '../framework/router.js';
import { sysPaths, type SysContext } from '../http/sys-paths.js';

/** A mount whose context type has been checked where it was built. */
export type Mount = MountOptions<unknown>;

function mount<C>(options: MountOptions<C>): Mount {
  return options as Mount;
}

export interface UnsealedParts {
  tokens: TokenStore;
  policies: PolicyStore;
  engine: EngineContext;
  audit: AuditBroker;
}

/** Every mount of a server; a sealed one has only `sys`. */
export function serverMounts(engineMount: string, sys: SysContext, unsealed: UnsealedParts | undefined): Mount[] {
  const sysMount = mount({ mount: 'sys', mountType: 'system', definitions: sysPaths, context: sys });
  if (!unsealed) return [sysMount];
  return [
    mount({ mount: 'auth/token', mountType: 'token', definitions: tokenPaths, context: { tokens: unsealed.tokens } }),
    mount({ mount: 'sys/policies', mountType: 'system', definitions: policyPaths, context: { policies: unsealed.policies } }),
    mount({ mount: 'sys/audit', mountType: 'system', definitions: auditDevicePaths, context: { broker: unsealed.audit } }),
    mount({ mount: 'sys/audit-hash', mountType: 'system', definitions: auditHashPaths, context: { broker: unsealed.audit } }),
    mount({ mount: engineMount, mountType: 'sectigo-vault-pki', definitions: enginePaths, context: unsealed.engine }),
    sysMount,
  ];
}
