import type { Operation } from './path.js';
import type { Capability } from '../auth/policy-language.js';
import type { TokenEntry } from '../auth/token-store.js';

export interface RequestLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** What the middlewares work out about a request, in the order they run. */
export interface RequestState {
  requestId: string;
  /** Log lines carrying request_id. */
  logger: RequestLogger;
  /** Fires when the client goes away or max_request_duration passes. */
  signal: AbortSignal;
  /** Path under /v1/, without leading or trailing slash. */
  vaultPath: string;
  operation: Operation;
  /** `?help=1` was asked for. */
  help: boolean;
  /** Body (update) or query (read, list, delete), not yet validated. */
  data: Record<string, unknown>;
  /** Set by the auth middleware on authenticated routes. */
  token?: TokenEntry;
  /** The token as the client sent it (lookup-self echoes it). */
  clientToken?: string;
  /** Set by the policy middleware: what the token's policies grant on this path ('all' for root). */
  granted?: ReadonlySet<Capability> | 'all';
}
