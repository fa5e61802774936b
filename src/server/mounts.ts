/**
 * The one table of what is mounted where: the HTTP app routes through it and
 * the OpenAPI document is built from it, so the two cannot disagree. Order
 * matters where mounts nest: `sys/policies`, `sys/audit`, `sys/audit-hash`,
 * `sys/auth`, `sys/rotate`, `sys/key-status`, `sys/storage`, `sys/metrics`,
 * `sys/loggers` and `sys/mounts` before `sys`. PKI engines mounted while the
 * server runs (vault-pki/mount-table.ts) are routed after these.
 */
import { auditDevicePaths, auditHashPaths } from '../audit/audit-paths.js';
import type { AuditBroker } from '../audit/broker.js';
import { authMethodPaths } from '../auth/auth-method-paths.js';
import type { AuthMethods } from '../auth/auth-methods.js';
import { appRolePaths } from '../auth/approle-paths.js';
import type { AppRoleStore } from '../auth/approle-store.js';
import { legacyPolicyPaths, policyPaths } from '../auth/policy-paths.js';
import type { PolicyStore } from '../auth/policy-store.js';
import { tokenPaths } from '../auth/token-paths.js';
import type { TokenStore } from '../auth/token-store.js';
import type { EngineContext } from '../engine/context.js';
import { enginePaths } from '../engine/paths.js';
import type { MountOptions } from '../framework/router.js';
import { loggerPaths } from '../http/logger-paths.js';
import { metricsPaths, type MetricsSource } from '../http/metrics-path.js';
import { keyStatusPaths, rotatePaths } from '../http/sys-key-paths.js';
import { sysPaths, type SysContext } from '../http/sys-paths.js';
import { snapshotPaths } from '../http/sys-snapshot-paths.js';
import type { Loggers } from '../logging.js';
import type { KeyRotation } from '../storage/key-rotation.js';
import type { Storage } from '../storage/storage.js';
import { mountsPaths } from '../vault-pki/mount-paths.js';
import type { PkiMountTable } from '../vault-pki/mount-table.js';

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
  authMethods: AuthMethods;
  approles: AppRoleStore;
  rotation: KeyRotation;
  storage: Storage;
  metrics: MetricsSource;
  loggers: Loggers;
  pkiMounts: PkiMountTable;
}

/** Every mount of a server; a sealed one has only `sys`. */
export function serverMounts(engineMount: string, sys: SysContext, unsealed: UnsealedParts | undefined): Mount[] {
  const sysMount = mount({ mount: 'sys', mountType: 'system', definitions: sysPaths, context: sys });
  if (!unsealed) return [sysMount];
  return [
    mount({ mount: 'auth/token', mountType: 'token', definitions: tokenPaths, context: { tokens: unsealed.tokens } }),
    mount({ mount: 'auth/approle', mountType: 'approle', definitions: appRolePaths, context: { methods: unsealed.authMethods, approles: unsealed.approles, tokens: unsealed.tokens } }),
    mount({ mount: 'sys/auth', mountType: 'system', definitions: authMethodPaths, context: { methods: unsealed.authMethods, approles: unsealed.approles, version: sys.version } }),
    mount({ mount: 'sys/policies', mountType: 'system', definitions: policyPaths, context: { policies: unsealed.policies } }),
    mount({ mount: 'sys/policy', mountType: 'system', definitions: legacyPolicyPaths, context: { policies: unsealed.policies } }),
    mount({ mount: 'sys/audit', mountType: 'system', definitions: auditDevicePaths, context: { broker: unsealed.audit } }),
    mount({ mount: 'sys/audit-hash', mountType: 'system', definitions: auditHashPaths, context: { broker: unsealed.audit } }),
    mount({ mount: 'sys/rotate', mountType: 'system', definitions: rotatePaths, context: { rotation: unsealed.rotation } }),
    mount({ mount: 'sys/key-status', mountType: 'system', definitions: keyStatusPaths, context: { rotation: unsealed.rotation } }),
    mount({ mount: 'sys/storage', mountType: 'system', definitions: snapshotPaths, context: { storage: unsealed.storage } }),
    mount({ mount: 'sys/metrics', mountType: 'system', definitions: metricsPaths, context: unsealed.metrics }),
    mount({ mount: 'sys/loggers', mountType: 'system', definitions: loggerPaths, context: unsealed.loggers }),
    mount({ mount: engineMount, mountType: 'sectigo-vault-pki', definitions: enginePaths, context: unsealed.engine, familyPrefix: '' }),
    mount({
      mount: 'sys/mounts',
      mountType: 'system',
      definitions: mountsPaths,
      context: { table: unsealed.pkiMounts, engineMount, clusterId: sys.clusterId, version: sys.version },
    }),
    sysMount,
  ];
}
