/**
 * The SCM operations the lifecycle needs, in its own terms: one shape for SSL
 * and client certificates, so enroll, collect and renew are written once.
 */
import { UpstreamError } from '../errors.js';
import { parseCollectFormat } from '../pki/index.js';
import { inRequestTerms } from './request-field-names.js';
import type { CertProfile, RevokeRequest, ScmClient, SmimeEnrollRequest, SslDetails, SslEnrollRequest } from '../scm/index.js';
import { findSmimeOrder, findSslOrder, type OrderSearch } from './order-search.js';
import type { PlacedOrder } from './placed-order.js';
import type { CertificateRecord, CertificateType } from './record.js';

/** What identifies an order at SCM. */
export type OrderRef = Pick<CertificateRecord, 'certificate_type' | 'ssl_id' | 'order_number' | 'backend_cert_id' | 'ssl_format'>;

export interface ScmOrders {
  enroll(type: CertificateType, body: Record<string, unknown>): Promise<PlacedOrder>;
  /** The collect body: PEM text, or base64 of the DER for `bin`. */
  collect(ref: OrderRef): Promise<string>;
  /** SSL: renewById (a fresh CSR optional); client: renew by order. */
  renew(ref: OrderRef, csr?: string): Promise<PlacedOrder>;
  /** SSL: revoke by sslId; client: revoke by order. */
  revoke(ref: OrderRef, request: RevokeRequest): Promise<void>;
  /** SSL: replace by sslId; client: replace by order. SCM re-issues under the same id. */
  replace(ref: OrderRef, request: ReplaceOrder): Promise<void>;
  /** SSL only: `GET /ssl/v1/{sslId}` (SCM has no S/MIME lookup by order number). */
  sslDetails(sslId: number): Promise<SslDetails>;
  /** The family's certificate profiles (`types`), optionally those one organization may use. */
  profiles(type: CertificateType, orgId?: number): Promise<CertProfile[]>;
  /** The oldest order since `search.since` that the search accepts, if SCM has one. */
  findOrder(type: CertificateType, search: OrderSearch): Promise<PlacedOrder | undefined>;
}

export interface ReplaceOrder {
  csr: string;
  reason: string;
  /** SSL only. */
  commonName?: string;
  /** SSL only. */
  subjectAlternativeNames?: string[];
  /** Client only: revoke the old certificate as part of the replace. */
  revoke?: boolean;
}

/** Is a collect failure "not issued yet" (keep polling) or SCM's final word? */
export type CollectErrorClassifier = (error: unknown) => 'pending' | 'failed';

/** S/MIME calls take the backend id; records written before it was known have only the order number. */
function backendIdOf(ref: OrderRef): string {
  return ref.backend_cert_id ?? String(ref.order_number);
}

export function scmOrdersFor(client: ScmClient): ScmOrders {
  return {
    async enroll(type, body) {
      if (type === 'ssl_cert') {
        const placed = await client.enrollSsl(body as unknown as SslEnrollRequest);
        return { scmId: placed.sslId, renewId: placed.renewId };
      }
      const placed = await client.enrollSmime(body as unknown as SmimeEnrollRequest);
      return { scmId: placed.orderNumber, backendCertId: placed.backendCertId };
    },
    collect(ref) {
      if (ref.certificate_type === 'ssl_cert') {
        return client.collectSsl(ref.ssl_id as number, inRequestTerms(() => parseCollectFormat(ref.ssl_format ?? 'base64')));
      }
      return client.collectSmime(backendIdOf(ref));
    },
    async renew(ref, csr) {
      if (ref.certificate_type === 'client_cert') {
        const placed = await client.renewSmime(backendIdOf(ref));
        return { scmId: placed.orderNumber, backendCertId: placed.backendCertId };
      }
      const placed = await client.renewSslById(ref.ssl_id as number, csr ? { csr } : {});
      if (placed.sslId === null) {
        throw new UpstreamError(
          `SCM renewed certificate ${ref.ssl_id} but did not say the new certificate's id; import it with fetch once you know it`
        );
      }
      return { scmId: placed.sslId };
    },
    revoke(ref, request) {
      if (ref.certificate_type === 'client_cert') return client.revokeSmime(backendIdOf(ref), request);
      return client.revokeSsl(ref.ssl_id as number, request);
    },
    replace(ref, { csr, reason, commonName, subjectAlternativeNames, revoke }) {
      if (ref.certificate_type === 'client_cert') {
        return client.replaceSmime(backendIdOf(ref), revoke === undefined ? { csr, reason } : { csr, reason, revoke });
      }
      return client.replaceSsl(ref.ssl_id as number, {
        csr,
        reason,
        ...(commonName && { commonName }),
        ...(subjectAlternativeNames && subjectAlternativeNames.length > 0 && { subjectAlternativeNames }),
      });
    },
    sslDetails(sslId) {
      return client.getSsl(sslId);
    },
    profiles(type, orgId) {
      return type === 'ssl_cert' ? client.listSslTypes(orgId) : client.listSmimeTypes(orgId);
    },
    findOrder(type, search) {
      return type === 'ssl_cert' ? findSslOrder(client, search) : findSmimeOrder(client, search);
    },
  };
}
