/**
 * The SCM operations the lifecycle needs, in its own terms: one shape for SSL
 * and client certificates, so enroll, collect and renew are written once.
 */
import { UpstreamError } from '../errors.js';
import { parseCollectFormat } from '../pki/index.js';
import { inRequestTerms } from './request-field-names.js';
import type { CertProfile, RevokeRequest, ScmClient, SmimeEnrollRequest, SslDetails, SslEnrollRequest, SslStatus } from '../scm/index.js';
import { findSmimeOrder, findSslOrder, type OrderSearch } from './order-search.js';
import type { OrderStatus } from './order-status.js';
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
  /** Where SCM has the order now (SSL: details; client: the list entry with its backendCertId); undefined if SCM lists none. */
  orderStatus(ref: OrderRef): Promise<OrderStatus | undefined>;
  /** SSL only: an approver's yes or no, with the message SCM requires (1–512 characters). */
  approve(ref: OrderRef, message: string): Promise<void>;
  decline(ref: OrderRef, message: string): Promise<void>;
  /** One page of SCM's certificates in one status (list filter spelling: SSL `Issued`, S/MIME `issued`). */
  listCertificates(type: CertificateType, status: string, page: { position: number; size: number }): Promise<CertificatePage>;
  /** The oldest order since `search.since` that the search accepts, if SCM has one. */
  findOrder(type: CertificateType, search: OrderSearch): Promise<PlacedOrder | undefined>;
}

/** A certificate as SCM's list shows it. S/MIME entries carry the expiry and holder; SSL ones need `sslDetails`. */
export interface ListedCertificate {
  scmId: number;
  status: string;
  serial?: string;
  commonName?: string;
  /** S/MIME only: `yyyy-MM-dd`. */
  expires?: string | null;
  backendCertId?: string | null;
}

export interface CertificatePage {
  items: ListedCertificate[];
  /** SCM's `X-Total-Count`, when it sends one. */
  total: number | null;
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

/** An S/MIME certificate names its holder only in its subject: the e-mail, else the CN. */
function smimeHolder(subject: string): string {
  const field = (name: string) => new RegExp(`(?:^|,\\s*)${name}=([^,]+)`).exec(subject)?.[1];
  return field('E') ?? field('emailAddress') ?? field('CN') ?? '';
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
    async orderStatus(ref) {
      if (ref.certificate_type === 'ssl_cert') {
        const { status, requested, approved, declined } = await client.getSsl(ref.ssl_id as number);
        return { status, requested, approved, declined };
      }
      const [item] = await client.listSmime({ backendCertId: backendIdOf(ref), size: 1 });
      return item?.state ? { status: item.state } : undefined;
    },
    approve(ref, message) {
      return client.approveSsl(ref.ssl_id as number, message);
    },
    decline(ref, message) {
      return client.declineSsl(ref.ssl_id as number, message);
    },
    async listCertificates(type, status, { position, size }) {
      if (type === 'ssl_cert') {
        const page = await client.listSsl({ status: status as SslStatus, position, size });
        return { total: page.total, items: page.items.map((item) => ({ scmId: item.sslId, status, serial: item.serialNumber, commonName: item.commonName })) };
      }
      const items = await client.listSmime({ state: status, position, size });
      return {
        total: null,
        items: items.map((item) => ({
          scmId: item.orderNumber ?? item.id,
          status,
          serial: item.serialNumber,
          commonName: smimeHolder(item.certificateDetails?.subject ?? ''),
          expires: item.expires,
          backendCertId: item.backendCertId,
        })),
      };
    },
    profiles(type, orgId) {
      return type === 'ssl_cert' ? client.listSslTypes(orgId) : client.listSmimeTypes(orgId);
    },
    findOrder(type, search) {
      return type === 'ssl_cert' ? findSslOrder(client, search) : findSmimeOrder(client, search);
    },
  };
}
