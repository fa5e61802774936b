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

/**
 * A stored entry exactly as the backend holds it: a sealed value still sealed
 * (barrier.ts's format, which names its key term), a clear entry as its JSON
 * text. Backup and key rotation work on these, so neither needs to know a
 * backend's layout and neither ever holds a value in clear.
 */
export type RawEntry = [key: string, stored: Uint8Array];

/** Replace `key`'s stored bytes with `next` if they are still `expected` (undefined: the key is absent). */
export interface RawSwap {
  key: string;
  expected: Uint8Array | undefined;
  next: Uint8Array;
}

/** Keys in `[gte, lt)`, in key order, starting after `after` when given. */
/** Entries of a range as stored JSON text, in key order. */
export type JsonPage = ReadonlyArray<readonly [key: string, json: string]>;

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
  /**
   * The same, each value as its stored JSON text (for a caller that copies
   * it into an answer unparsed), a page of entries at a time: a 100,000-entry
   * listing then awaits once per page, not once per entry in every layer.
   */
  rangeJsonPages(range: KeyRange): AsyncIterable<JsonPage>;
  /**
   * Every entry in the range, sealed and clear, as stored, in key order, read
   * from ONE point-in-time view: a write that lands while the iteration runs
   * is not seen, and none is seen half (a backup taken while enrolls run is
   * consistent). LevelDB: one iterator, which reads from an implicit snapshot.
   */
  rawEntries(range: KeyRange): AsyncIterable<RawEntry>;
  /**
   * Compare-and-swap on stored bytes, for re-encryption (a value written
   * meanwhile is never replaced by an older one), the keyring and restore.
   * Each swap applies only where the stored bytes still equal `expected`;
   * those that apply land together. Resolves with the keys that applied.
   * It starts only once every write begun before the call has landed, and no
   * other write lands between its comparison and its own write — so after
   * `swapRaw([])` no write sealed before the call is still in flight.
   */
  swapRaw(swaps: RawSwap[]): Promise<string[]>;
  close(): Promise<void>;
}

/** Every key that starts with `prefix`, as a range. */
export function prefixRange(prefix: string, options: { after?: string; limit?: number } = {}): KeyRange {
  // '\uffff' sorts after every character a key may hold.
  return { gte: prefix, lt: `${prefix}\uffff`, ...options };
}
