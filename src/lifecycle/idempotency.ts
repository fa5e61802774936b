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
import type { BatchOp, Storage } from '../storage/storage.js';
import { UserError } from '../framework/errors.js';

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

export function idempotencyStorageKey(config: string, key: string): string {
  return `idempotency/${config}/${sha256(key)}`;
}

export class IdempotencyLedger {
  constructor(private readonly storage: Storage) {}

  /** The live entry for this key, or undefined (expired entries count as absent). */
  async find(config: string, key: string, now = Date.now()): Promise<IdempotencyEntry | undefined> {
    const entry = await this.storage.get<IdempotencyEntry>(idempotencyStorageKey(config, key));
    if (!entry || Date.parse(entry.expires_at) <= now) return undefined;
    return entry;
  }

  /**
   * What a request carrying `key` should do: undefined → go ahead and order;
   * a string → the certificate it already produced. Throws 409 otherwise.
   */
  async priorOutcome(config: string, key: string, hash: string): Promise<string | undefined> {
    const entry = await this.find(config, key);
    if (!entry) return undefined;
    if (entry.payload_hash !== hash) {
      throw new UserError(
        'idempotency_key: this key was already used with a different request payload; use a new key for a new certificate',
        409,
      );
    }
    if (entry.status === 'done' && entry.cert_unique_id) return entry.cert_unique_id;
    throw new UserError(
      'idempotency_key: an earlier enroll with this key did not finish and its SCM order may exist; ' +
        `list certs/${config} or check SCM before retrying with a new key`,
      409,
    );
  }

  async markOrdering(config: string, key: string, hash: string): Promise<void> {
    const entry: IdempotencyEntry = {
      payload_hash: hash,
      status: 'ordering',
      expires_at: new Date(Date.now() + IDEMPOTENCY_TTL_MS).toISOString(),
    };
    await this.storage.put(idempotencyStorageKey(config, key), entry);
  }

  /** Goes into the same batch as the new record. */
  doneOp(config: string, key: string, hash: string, certUniqueId: string): BatchOp {
    const entry: IdempotencyEntry = {
      payload_hash: hash,
      status: 'done',
      cert_unique_id: certUniqueId,
      expires_at: new Date(Date.now() + IDEMPOTENCY_TTL_MS).toISOString(),
    };
    return { type: 'put', key: idempotencyStorageKey(config, key), value: entry };
  }

  /** SCM refused the order: nothing was bought, so the key may be retried. */
  release(config: string, key: string): Promise<void> {
    return this.storage.delete(idempotencyStorageKey(config, key));
  }

  async markUnknown(config: string, key: string, hash: string): Promise<void> {
    const entry: IdempotencyEntry = {
      payload_hash: hash,
      status: 'unknown',
      expires_at: new Date(Date.now() + IDEMPOTENCY_TTL_MS).toISOString(),
    };
    await this.storage.put(idempotencyStorageKey(config, key), entry);
  }

  /** Drops expired entries; run by the background collector. */
  async sweep(now = Date.now()): Promise<number> {
    let removed = 0;
    for (const dir of await this.storage.list('idempotency/')) {
      const prefix = `idempotency/${dir}`;
      for (const name of await this.storage.list(prefix)) {
        const entry = await this.storage.get<IdempotencyEntry>(prefix + name);
        if (entry && Date.parse(entry.expires_at) <= now) {
          await this.storage.delete(prefix + name);
          removed++;
        }
      }
    }
    return removed;
  }
}
