/**
 * Everything the simulator knows, as plain JSON-able data so the whole of it
 * can be written to the data dir and read back after a restart.
 */
import { randomBytes } from 'node:crypto';
import {
  DEFAULT_SMIME_CUSTOM_FIELDS,
  DEFAULT_SSL_CUSTOM_FIELDS,
  type CustomField,
} from './catalog.js';
import type { PendingCode } from './scm-reply.js';

export interface NameValue {
  name: string;
  value: string;
}

/** What SSL and S/MIME orders share: the CSR, the term and what the CA made of them. */
export interface OrderBase {
  orgId: number;
  certTypeId: number;
  term: number;
  csr: string;
  commonName: string;
  keyAlgorithm: 'RSA' | 'EC';
  /** "2048" or "P-256", as SCM's keyTypes spell them. */
  keyParam: string;
  customFields: NameValue[];
  comments?: string;
  requested: string;
  approved?: string;
  issued?: string;
  revoked?: string;
  reasonCode?: number;
  /** While Applied: when the CA "finishes". Absent while waiting for approval. */
  issueAt?: string;
  certificate?: string;
  /** Lower-case hex. */
  serialNumber?: string;
  notBefore?: string;
  notAfter?: string;
}

export type SslStatus = 'Requested' | 'Approved' | 'Applied' | 'Issued' | 'Declined' | 'Revoked' | 'Expired';

export interface SslOrder extends OrderBase {
  sslId: number;
  renewId: string;
  orderNumber: number;
  status: SslStatus;
  subjAltNames: string[];
  externalRequester?: string;
  declined?: string;
  replaced?: string;
  renewed: boolean;
  renewedDate?: string;
}

export type SmimeState = 'requested' | 'issued' | 'revoked' | 'expired' | 'rejected';

export interface SmimeOrder extends OrderBase {
  /** The internal id of `GET /smime/v1/{id}`; collect/revoke/renew use backendCertId. */
  id: number;
  orderNumber: number;
  backendCertId: string;
  status: SmimeState;
  email: string;
  secondaryEmails: string[];
  firstName: string;
  middleName: string;
  lastName: string;
}

export interface SimulatorSettings {
  issueDelayMs: number;
  approvalRequired: boolean;
  /** null: each service's own default (SSL 0, S/MIME -183). */
  pendingStyle: PendingCode | null;
  tokenTtlSeconds: number;
  sslCustomFields: CustomField[];
  smimeCustomFields: CustomField[];
}

export interface StateSnapshot {
  nextSslId: number;
  nextOrderNumber: number;
  nextSmimeId: number;
  ssl: SslOrder[];
  smime: SmimeOrder[];
}

export class SimulatorState {
  readonly ssl = new Map<number, SslOrder>();
  /** Keyed by backendCertId, which is how SCM's S/MIME actions address an order. */
  readonly smime = new Map<string, SmimeOrder>();
  private nextSslId = 10_001;
  private nextOrderNumber = 7_000_001;
  private nextSmimeId = 501;

  constructor(readonly settings: SimulatorSettings) {}

  static defaultSettings(): SimulatorSettings {
    return {
      issueDelayMs: 2000,
      approvalRequired: false,
      pendingStyle: null,
      tokenTtlSeconds: 300,
      sslCustomFields: structuredClone(DEFAULT_SSL_CUSTOM_FIELDS),
      smimeCustomFields: structuredClone(DEFAULT_SMIME_CUSTOM_FIELDS),
    };
  }

  allocateSslIds(): { sslId: number; orderNumber: number; renewId: string } {
    return { sslId: this.nextSslId++, orderNumber: this.nextOrderNumber++, renewId: randomBytes(15).toString('base64url') };
  }

  allocateSmimeIds(): { id: number; orderNumber: number; backendCertId: string } {
    const orderNumber = this.nextOrderNumber++;
    return { id: this.nextSmimeId++, orderNumber, backendCertId: String(orderNumber) };
  }

  findSslByRenewId(renewId: string): SslOrder | undefined {
    return [...this.ssl.values()].find((order) => order.renewId === renewId);
  }

  /** Every serial ever issued, so the CA never reuses one after a restart. */
  serials(): string[] {
    return [...this.ssl.values(), ...this.smime.values()].flatMap((o) => (o.serialNumber ? [o.serialNumber] : []));
  }

  snapshot(): StateSnapshot {
    return {
      nextSslId: this.nextSslId,
      nextOrderNumber: this.nextOrderNumber,
      nextSmimeId: this.nextSmimeId,
      ssl: [...this.ssl.values()],
      smime: [...this.smime.values()],
    };
  }

  restore(snapshot: StateSnapshot): void {
    this.nextSslId = snapshot.nextSslId;
    this.nextOrderNumber = snapshot.nextOrderNumber;
    this.nextSmimeId = snapshot.nextSmimeId;
    for (const order of snapshot.ssl) this.ssl.set(order.sslId, order);
    for (const order of snapshot.smime) this.smime.set(order.backendCertId, order);
  }
}
