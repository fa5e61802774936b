/**
 * Write-ahead order intents: everything an enroll needs to store its record,
 * written (sealed, like every value) *before* SCM is asked for the order. A
 * crash or a failed write between SCM's answer and the record would otherwise
 * leave a paid-for order whose private key exists nowhere. The record's batch
 * deletes the intent; an intent that outlives its request is resolved against
 * SCM by the background collector (intent-recovery.ts), which finds the order
 * by the marker the enroll put into the order's `comments`.
 */
import { randomBytes } from 'node:crypto';
import { layout } from '../storage/layout.js';
import type { BatchOp, Storage } from '../storage/storage.js';
import type { IdempotencyLedger } from './idempotency.js';
import { certUniqueId, renewIdOf, unissuedOrderFields, withState, type CertificateRecord, type CertificateType } from './record.js';
import type { PlacedOrder } from './placed-order.js';

/** In SCM's `comments` of every order scmpki places: `scmpki-order:<intent id>`. */
export const ORDER_MARKER_PREFIX = 'scmpki-order:';

/** SCM's limit on `comments` (reference §4.3, §5.2). */
const MAX_COMMENTS = 1024;

export interface OrderIntent {
  id: string;
  config_name: string;
  certificate_type: CertificateType;
  /** The config's customer URI when ordering: part of the record's id. */
  cm_uri: string;
  org_id: number;
  /** What SCM lists the SSL order under: the CSR's CN, else its first SAN. */
  common_name: string;
  /** Client certificates: the holder's e-mail, SCM's list filter for them. */
  email?: string;
  domain: string;
  csr: string;
  /** Empty when the caller sent only a CSR. */
  private_key: string;
  ssl_format?: string;
  auto_renew: boolean;
  expiry_window: number;
  /** RFC 3339 UTC. */
  created_at: string;
  /** The request's Idempotency-Key (hashed) and payload hash, to mark done once the record exists. */
  idempotency?: { key_hash: string; payload_hash: string };
}

export function newIntentId(): string {
  return randomBytes(16).toString('hex');
}

export function orderMarker(intentId: string): string {
  return `${ORDER_MARKER_PREFIX}${intentId}`;
}

/** The caller's comments with the marker appended; theirs are cut short rather than the marker dropped. */
export function commentsWithMarker(comments: string | undefined, intentId: string): string {
  const marker = orderMarker(intentId);
  const own = (comments ?? '').trimEnd();
  if (own === '') return marker;
  return `${own.slice(0, MAX_COMMENTS - marker.length - 1)} ${marker}`;
}

/**
 * The record an enroll stores for the order SCM placed. A recovered one says
 * so in its first history entry.
 */
export function recordFromIntent(intent: OrderIntent, placed: PlacedOrder, recovered = false): CertificateRecord {
  const ids =
    intent.certificate_type === 'ssl_cert'
      ? { ssl_id: placed.scmId, ssl_format: intent.ssl_format }
      : { order_number: placed.scmId };
  return withState(
    {
      cert_unique_id: certUniqueId(placed.scmId, intent.cm_uri),
      config_name: intent.config_name,
      certificate_type: intent.certificate_type,
      ...ids,
      renew_id: renewIdOf(intent.certificate_type, placed),
      backend_cert_id: placed.backendCertId,
      domain: intent.domain,
      csr: intent.csr,
      private_key: intent.private_key,
      ...unissuedOrderFields(),
      auto_renew: intent.auto_renew,
      expiry_window: intent.expiry_window,
      renewed_from: null,
    },
    'Applied',
    recovered ? { description: `recovered after an interrupted enroll (SCM order marked ${orderMarker(intent.id)})` } : undefined,
  );
}

/**
 * The flight an enroll holds on its intent from before the intent is
 * written until its record is stored (or the intent dropped): while it runs,
 * the intent is that request's to finish, never recovery's. A flight, not an
 * in-process set, so that with a shared backend a request on one replica
 * and recovery on another see the same owner (lifecycle/locks.ts).
 */
export function intentFlightKey(intent: Pick<OrderIntent, 'config_name' | 'id'>): string {
  return `intent:${intent.config_name}/${intent.id}`;
}

/** Intents in storage: written ahead of an SCM order, deleted with its record. */
export class OrderIntentStore {
  constructor(private readonly storage: Storage) {}

  get(config: string, id: string): Promise<OrderIntent | undefined> {
    return this.storage.get<OrderIntent>(layout.intent(config, id));
  }

  putOp(intent: OrderIntent): BatchOp {
    return { type: 'put', key: layout.intent(intent.config_name, intent.id), value: intent };
  }

  /** With the record SCM's order became: the intent goes, its idempotency key points at the record. */
  storedOps(intent: OrderIntent, ledger: IdempotencyLedger, certUniqueId: string): BatchOp[] {
    const key = intent.idempotency;
    return [this.deleteOp(intent), ...(key ? ledger.doneOps(intent.config_name, key.key_hash, key.payload_hash, certUniqueId) : [])];
  }

  /** SCM never got the order: the intent goes, its idempotency key may be used again. */
  noOrderOps(intent: OrderIntent, ledger: IdempotencyLedger): BatchOp[] {
    const key = intent.idempotency;
    return [this.deleteOp(intent), ...(key ? [ledger.releaseOp(intent.config_name, key.key_hash)] : [])];
  }

  /** Every stored intent, by config and id; a caller reads each under its flight. */
  async *stored(): AsyncGenerator<Pick<OrderIntent, 'config_name' | 'id'>> {
    for (const dir of await this.storage.list(layout.intentConfigs)) {
      const config = dir.replace(/\/$/, '');
      for (const id of await this.storage.list(layout.intents(config))) yield { config_name: config, id };
    }
  }

  private deleteOp(intent: OrderIntent): BatchOp {
    return { type: 'del', key: layout.intent(intent.config_name, intent.id) };
  }
}
