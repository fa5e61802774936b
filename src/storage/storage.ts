/**
 * The storage contract every other module codes against. Values are JSON.
 *
 * Two kinds of value:
 * - sealed (`put`, `get`): encrypted with the AES-256-GCM barrier, as Vault
 *   does, so callers never need to think about which fields are secret. Every
 *   record, token, config and key lives here.
 * - clear (`putClear`, `getClear`, `range`): index entries only — what an index
 *   needs to find work or to list (config, id, state, expiry, due time), never
 *   a key, password, token or certificate. They are what a SQL backend keeps
 *   in plain columns; keeping them out of the barrier is what lets a listing
 *   or a background pass skip decrypting every record.
 *
 * Keys are never encrypted: never put a secret into a key (tokens are stored
 * under their hash). Every key is built in layout.ts.
 */
export type BatchOp =
  | { type: 'put'; key: string; value: unknown }
  | { type: 'putClear'; key: string; value: unknown }
  | { type: 'del'; key: string };

/** Keys in `[gte, lt)`, in key order, starting after `after` when given. */
export interface KeyRange {
  gte: string;
  lt: string;
  after?: string;
  limit?: number;
}

export interface Storage {
  get<T>(key: string): Promise<T | undefined>;
  put(key: string, value: unknown): Promise<void>;
  getClear<T>(key: string): Promise<T | undefined>;
  delete(key: string): Promise<void>;
  /** All operations land together or not at all. */
  batch(ops: BatchOp[]): Promise<void>;
  /**
   * Names directly under `prefix` (which ends with "/"), sorted, like Vault's
   * List: a deeper key `a/b/c` under prefix `a/` shows as `b/`.
   */
  list(prefix: string): Promise<string[]>;
  /** Clear entries in a key range, in key order. */
  range<T>(range: KeyRange): AsyncIterable<[key: string, value: T]>;
  /** The same, each value as its stored JSON text (for a caller that copies it into an answer unparsed). */
  rangeJson(range: KeyRange): AsyncIterable<[key: string, json: string]>;
  close(): Promise<void>;
}

/** Every key that starts with `prefix`, as a range. */
export function prefixRange(prefix: string, options: { after?: string; limit?: number } = {}): KeyRange {
  // '\uffff' sorts after every character a key may hold.
  return { gte: prefix, lt: `${prefix}\uffff`, ...options };
}
