/**
 * What the certificate paths need from the engine context: the one shared
 * CertificateLifecycle. The engine's context carries it as `lifecycle`.
 */
import type { CertificateLifecycle } from '../lifecycle/lifecycle.js';
import type { CertificateRecord } from '../lifecycle/record.js';

export interface LifecycleContext {
  lifecycle: CertificateLifecycle;
}

/** A record as a Vault response's `data` (the plugin returns the private key too). */
export function recordData(record: CertificateRecord): Record<string, unknown> {
  return { ...record };
}
