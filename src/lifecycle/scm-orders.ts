/**
 * The SCM operations the lifecycle needs, in its own terms: one shape for SSL
 * and client certificates, so enroll, collect and renew are written once.
 * `scmOrdersFor` (src/engine/scm-clients.ts) adapts the SCM client to it.
 */
import type { CertificateType } from './record.js';

export interface PlacedOrder {
  /** sslId (SSL) or orderNumber (client). */
  scmId: number;
  renewId?: string;
  backendCertId?: string;
}

export interface ScmOrders {
  enroll(type: CertificateType, body: Record<string, unknown>): Promise<PlacedOrder>;
  /** The collect body; a Buffer only for the binary `bin` format. */
  collect(type: CertificateType, scmId: number, format: string | undefined): Promise<string | Buffer>;
  /** SSL: renewById (a fresh CSR optional); client: renew by order number. */
  renew(type: CertificateType, scmId: number, csr?: string): Promise<PlacedOrder>;
}

/** Is a collect failure "not issued yet" (keep polling) or SCM's final word? */
export type CollectErrorClassifier = (error: unknown) => 'pending' | 'failed';
