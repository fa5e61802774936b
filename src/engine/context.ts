/**
 * What every engine path handler receives, built in full before the app
 * exists (server/start.ts): the lifecycle services (stores, locks, SCM
 * access) and the SCM credential check of `configs/<name>` with verify=true.
 */
import type { ConfigEntry } from '../lifecycle/config-store.js';
import type { LifecycleServices } from '../lifecycle/services.js';

export interface EngineContext {
  lifecycle: LifecycleServices;
  /**
   * Checks a config's credentials against SCM (`GET /api/ssl/v1/types`) and
   * throws (ScmError / UserError) when SCM refuses them.
   */
  verifyScmCredentials(config: ConfigEntry, signal: AbortSignal): Promise<void>;
}
