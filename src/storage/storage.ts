/**
 * The storage contract every other module codes against. Values are JSON; the
 * implementation encrypts every value (AES-256-GCM barrier, as Vault does), so
 * callers never need to think about which fields are secret. Keys are not
 * encrypted: never put a secret into a key (tokens are stored under their hash).
 *
 * Every key is built in layout.ts.
 */
export type BatchOp =
  | { type: 'put'; key: string; value: unknown }
  | { type: 'del'; key: string };

export interface Storage {
  get<T>(key: string): Promise<T | undefined>;
  put(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
  /** All operations land together or not at all. */
  batch(ops: BatchOp[]): Promise<void>;
  /**
   * Names directly under `prefix` (which ends with "/"), sorted, like Vault's
   * List: a deeper key `a/b/c` under prefix `a/` shows as `b/`.
   */
  list(prefix: string): Promise<string[]>;
  close(): Promise<void>;
}
