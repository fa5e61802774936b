/**
 * Enroll idempotency (SPEC §4.4): a retried enroll carrying the same key must
 * never place a second SCM order. The entry is written *before* SCM is called,
 * so a duplicate that arrives while the first is still ordering finds it; the
 * key itself is stored only as a hash (keys are not encrypted in storage).
 *
 * Decisions (docs/api.md, "Idempotency"):
 * - same key, different payload → 409: the key is taken, the request is not wrong as such;
 * - same key while an earlier attempt's outcome is unknown (crash, or SCM
 *   unreachable while ordering) → 409 naming the problem, because ordering
 *   again could buy a second certificate.
 */
import { createHash } from 'node:crypto';
import { layout, parseTimedKey } from '../storage/layout.js';
import type { BatchOp, Storage } from '../storage/storage.js';
import { ConflictError } from '../errors.js';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export interface IdempotencyEntry {
  payload_hash: string;
  /** `ordering`: SCM may be being called right now; `done`: the record exists. */
  status: 'ordering' | 'done' | 'unknown';
  cert_unique_id?: string;
  expires_at: string;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Key order must not matter: the CLI and curl send the same fields in different orders. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function payloadHash(payload: Record<string, unknown>): string {
  return sha256(canonicalJson(payload));
}

/** The ledger is keyed by this hash; the key itself is never stored (an interrupted enroll's intent keeps the hash too). */
export function idempotencyKeyHash(key: string): string {
  return sha256(key);
}

function entry(hash: string, status: IdempotencyEntry['status'], certUniqueId?: string): IdempotencyEntry {
  return {
    payload_hash: hash,
    status,
    ...(certUniqueId && { cert_unique_id: certUniqueId }),
    expires_at: new Date(Date.now() + IDEMPOTENCY_TTL_MS).toISOString(),
  };
}

export class IdempotencyLedger {
  constructor(private readonly storage: Storage) {}

  /** The live entry for this key, or undefined (expired entries count as absent). */
  async find(config: string, keyHash: string, now = Date.now()): Promise<IdempotencyEntry | undefined> {
    const found = await this.storage.get<IdempotencyEntry>(layout.idempotency(config, keyHash));
    if (!found || Date.parse(found.expires_at) <= now) return undefined;
    return found;
  }

  /**
   * What a request carrying the key should do: undefined → go ahead and order;
   * a string → the certificate it already produced. Throws 409 otherwise.
   */
  async priorOutcome(config: string, keyHash: string, hash: string): Promise<string | undefined> {
    const found = await this.find(config, keyHash);
    if (!found) return undefined;
    if (found.payload_hash !== hash) {
      throw new ConflictError(
        'idempotency_key: this key was already used with a different request payload; use a new key for a new certificate'
      );
    }
    if (found.status === 'done' && found.cert_unique_id) return found.cert_unique_id;
    throw new ConflictError(
      'idempotency_key: an earlier enroll with this key did not finish and its SCM order may exist; ' +
        `list certs/${config} or check SCM before retrying with a new key`
    );
  }

  /** Goes into the same batch as the order's intent. */
  orderingOps(config: string, keyHash: string, hash: string): BatchOp[] {
    return putOps(config, keyHash, entry(hash, 'ordering'));
  }

  /** Goes into the same batch as the new record. */
  doneOps(config: string, keyHash: string, hash: string, certUniqueId: string): BatchOp[] {
    return putOps(config, keyHash, entry(hash, 'done', certUniqueId));
  }

  /** SCM never got the order (it refused, or recovery found none): the key may be retried. */
  releaseOp(config: string, keyHash: string): BatchOp {
    return { type: 'del', key: layout.idempotency(config, keyHash) };
  }

  markUnknown(config: string, keyHash: string, hash: string): Promise<void> {
    return this.storage.batch(putOps(config, keyHash, entry(hash, 'unknown')));
  }

  /**
   * Drops expired entries; run by the background collector. It reads the
   * expiry index, not the entries: an entry rewritten since (a later status)
   * left its older expiry behind, which is dropped without touching the entry.
   */
  async sweep(now = Date.now()): Promise<number> {
    let removed = 0;
    const prefix = layout.idempotencyExpiries;
    const ops: BatchOp[] = [];
    for await (const [key] of this.storage.range({ gte: prefix, lt: layout.idempotencyExpiredBefore(now) })) {
      const { config, id: keyHash } = parseTimedKey(key, prefix);
      ops.push({ type: 'del', key });
      const stored = await this.storage.get<IdempotencyEntry>(layout.idempotency(config, keyHash));
      if (stored && Date.parse(stored.expires_at) <= now) {
        ops.push({ type: 'del', key: layout.idempotency(config, keyHash) });
        removed++;
      }
    }
    if (ops.length > 0) await this.storage.batch(ops);
    return removed;
  }
}

/** The entry and its expiry index entry, written together. */
function putOps(config: string, keyHash: string, value: IdempotencyEntry): BatchOp[] {
  return [
    { type: 'put', key: layout.idempotency(config, keyHash), value },
    { type: 'putClear', key: layout.idempotencyExpiry(Date.parse(value.expires_at), config, keyHash), value: {} },
  ];
}
