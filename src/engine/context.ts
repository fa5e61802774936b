/**
 * What every engine path handler receives. Other modules add members here
 * (the SCM client factory, lifecycle services) as optional or required
 * fields, and fill them in through an EngineService (index.ts) at start-up.
 */
import type { Logger } from '../logging.js';
import type { ServerSettings } from '../server/settings.js';
import type { Storage } from '../storage/storage.js';
import type { ConfigEntry } from './path-configs.js';
import type { CertificateLifecycle } from '../lifecycle/lifecycle.js';

export interface EngineContext {
  storage: Storage;
  logger: Logger;
  settings: ServerSettings;
  /**
   * Checks a config's credentials against SCM (`GET /api/ssl/v1/types`) and
   * throws (ScmError / UserError) when SCM refuses them. Used by
   * `configs/<name>` with `verify=true`; absent → that write answers 400.
   */
  verifyScmCredentials?: (config: ConfigEntry, signal: AbortSignal) => Promise<void>;
  /** Records, collect, renew: set by the certificate-lifecycle service (certificate-lifecycle.ts). */
  lifecycle?: CertificateLifecycle;
}

/**
 * Something that runs alongside the engine (collector, renewer, SCM client
 * set-up): started after storage opens, given the context to extend, stopped
 * before storage closes.
 */
export interface EngineService {
  name: string;
  start(ctx: EngineContext): Promise<{ stop(): Promise<void> } | void>;
}
