/**
 * A path family is one declarative object, as in Vault's own engines: the
 * pattern, the fields (JSON schema), the operations and the help text. Routes,
 * validation (ajv), string-to-type coercion, `?help=1` and the OpenAPI document
 * are all derived from it, so adding a path is adding one file under
 * src/engine/ and listing it in the engine's path table.
 */
import type { Readable } from 'node:stream';
import type { JSONSchemaType } from 'ajv';
import type { Capability } from '../auth/policy-language.js';
import type { TokenEntry } from '../auth/token-store.js';
import type { FieldSchema } from '../field-schema.js';
import type { JsonText } from './envelope.js';
import type { ParamDecoder } from './path-matcher.js';

export type Operation = 'read' | 'update' | 'list' | 'delete';

export interface PathRequest<P extends string = string> {
  /** Named segments of the pattern, already validated as names. */
  params: Record<P, string>;
  /** Body (update) or query (read/list/delete), validated and coerced against `fields`. */
  data: Record<string, unknown>;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  requestId: string;
  /** The client's IP address as the socket saw it (AppRole's CIDR bindings check it). */
  remoteAddress: string;
  /** Aborted when the client goes away or the request deadline passes. */
  signal: AbortSignal;
  /** The caller's token (absent on unauthenticated paths such as sys/health). */
  token?: { id: string; entry: TokenEntry };
  /**
   * Whether the caller's policies grant `capability` on this path as well as
   * the operation it is doing: a read that would do what only a writer may
   * (auto-renew widened by a query) asks before doing it.
   */
  may(capability: Capability): boolean;
}

export interface PathResponse {
  /** Becomes the envelope's `data`; absent on update → 204. A list's JsonText must hold a non-empty `keys`. */
  data?: Record<string, unknown> | JsonText;
  warnings?: string[];
  /** The envelope's `auth` block (token creation). */
  auth?: Record<string, unknown>;
  /**
   * JSON written as is instead of an envelope: for the few Vault endpoints
   * whose body is not an envelope (sys/health, sys/mounts, the OpenAPI document).
   */
  raw?: { status: number; body: unknown };
  /**
   * A body that is not JSON, sent as it is with its own Content-Type: text
   * (Prometheus metrics, a PKI engine's PEM), bytes (DER) or a stream
   * produced while it is sent (a storage snapshot).
   */
  verbatim?: { status: number; contentType: string; body: string | Buffer | Readable };
}

export type OperationHandler<C, P extends string = string> = (
  req: PathRequest<P>,
  ctx: C,
) => Promise<PathResponse | void>;

export interface PathDefinition<C = unknown> {
  /** Relative to the mount, Koa-router style: 'certs/:config/:id'. */
  pattern: string;
  synopsis: string;
  /** Markdown, returned by `?help=1`. */
  help: string;
  fields: Record<string, FieldSchema>;
  /**
   * Reject fields not listed. By default (the plugin's JSON files carry
   * extras) they are dropped and named in Vault's "Endpoint ignored these
   * unrecognized parameters" warning.
   */
  strict?: boolean;
  /** The handler gets fields not listed too, and says itself what it ignored (configs keep `sectigo_*` extras). */
  keepsUnknownFields?: boolean;
  /**
   * Reads the pattern's `:params` instead of the name check (names.ts): a PKI
   * engine's `cert/:serial` takes colon-hex serials, which are not names.
   */
  decodeParam?: ParamDecoder;
  /** Fields that must be present for `update`. */
  required?: string[];
  operations: Partial<Record<Operation, OperationHandler<C>>>;
  /**
   * The read's answer when it needs nothing but stored values (no SCM call,
   * no write, no wait, nothing from the query), or nothing when
   * `operations.read` must run. Given, a hot plain read may be answered with
   * it in front of the middleware chain (http/hot-read.ts), so it must answer
   * exactly what `operations.read` would, and it gets no AbortSignal.
   */
  plainRead?: OperationHandler<C>;
}

export function definePath<C>(def: PathDefinition<C>): PathDefinition<C> {
  return def;
}

export type { JSONSchemaType };
