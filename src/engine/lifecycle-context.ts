/**
 * What the certificate paths need from the engine context: the one shared
 * CertificateLifecycle, which the certificate-lifecycle engine service puts
 * there at start-up.
 */
import type { CertificateLifecycle } from '../lifecycle/lifecycle.js';
import type { CertificateRecord } from '../lifecycle/record.js';
import type { PathResponse } from '../framework/path.js';
import type { EngineContext } from './context.js';

export type LifecycleContext = EngineContext;

export function lifecycleOf(ctx: LifecycleContext): CertificateLifecycle {
  // Only a server started without its engine services gets here: a bug, so a 500.
  if (!ctx.lifecycle) throw new Error('the certificate lifecycle service is not running');
  return ctx.lifecycle;
}

/**
 * What every certificate path answers: the record as the response's `data`
 * (the plugin returns the private key too) and the operation's warnings.
 */
export function recordResponse(result: { record: CertificateRecord; warnings?: string[] }): PathResponse {
  return { data: { ...result.record }, warnings: result.warnings };
}
