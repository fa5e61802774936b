/**
 * Vault's response shapes, with the JSON types its Go client decodes
 * strictly, and the exact `Content-Type: application/json` (no charset:
 * hvac only reads `errors` when the header is exactly that).
 */
import type { ParameterizedContext } from 'koa';
import type { Readable } from 'node:stream';

/**
 * A response's `data` already serialised: a handler that builds a large
 * answer (a 100,000-id listing) writes the JSON text once instead of building
 * objects for JSON.stringify to walk again.
 */
export class JsonText {
  constructor(readonly text: string) {}

  /**
   * A value's JSON, worked out once per frozen value: values from the storage
   * read cache are frozen, so a certificate read on every application start is
   * serialised once per stored version, not once per read.
   */
  static of(value: object): JsonText {
    if (!Object.isFrozen(value)) return new JsonText(JSON.stringify(value));
    let text = serialised.get(value);
    if (text === undefined) {
      text = new JsonText(JSON.stringify(value));
      serialised.set(value, text);
    }
    return text;
  }
}

const serialised = new WeakMap<object, JsonText>();

export interface EnvelopeParts {
  data?: Record<string, unknown> | JsonText | null;
  warnings?: string[];
  auth?: Record<string, unknown> | null;
  mountType?: string;
}

export function writeJson(ctx: ParameterizedContext, status: number, body: unknown): void {
  ctx.status = status;
  ctx.body = JSON.stringify(body);
  ctx.set('Content-Type', 'application/json');
}

export function writeVerbatim(ctx: ParameterizedContext, status: number, contentType: string, body: string | Buffer | Readable): void {
  ctx.status = status;
  ctx.body = body;
  ctx.set('Content-Type', contentType);
}

export function writeEnvelope(ctx: ParameterizedContext, requestId: string, parts: EnvelopeParts): void {
  ctx.status = 200;
  ctx.body = envelopeBody(requestId, parts);
  ctx.set('Content-Type', 'application/json');
}

/** Vault's envelope as JSON text: `envelopeHead` and `envelopeRest` joined, or the whole object serialised. */
export function envelopeBody(requestId: string, parts: EnvelopeParts): string {
  if (parts.data instanceof JsonText) return envelopeHead(requestId) + envelopeRest(parts as EnvelopeParts & { data: JsonText });
  return JSON.stringify({ request_id: requestId, lease_id: '', renewable: false, lease_duration: 0, data: parts.data ?? null, ...tailFields(parts) });
}

/**
 * The envelope up to its request id's fields, unclosed: `{"request_id":…,"lease_duration":0`.
 * Only this part differs between two answers of one stored value.
 */
export function envelopeHead(requestId: string): string {
  // What JSON.stringify(headFields(requestId)).slice(0, -1) gives, without building the object: this runs on every read.
  return `{"request_id":${JSON.stringify(requestId)},"lease_id":"","renewable":false,"lease_duration":0`;
}

/** The rest of an envelope around serialised data: `,"data":…,"wrap_info":null,…}`; the same for every request. */
export function envelopeRest(parts: EnvelopeParts & { data: JsonText }): string {
  return `,"data":${parts.data.text},${JSON.stringify(tailFields(parts)).slice(1)}`;
}

function tailFields(parts: EnvelopeParts) {
  return {
    wrap_info: null,
    warnings: parts.warnings && parts.warnings.length > 0 ? parts.warnings : null,
    auth: parts.auth ?? null,
    ...(parts.mountType ? { mount_type: parts.mountType } : {}),
  };
}

export function writeErrors(ctx: ParameterizedContext, status: number, errors: string[]): void {
  writeJson(ctx, status, { errors });
}

export function writeNoContent(ctx: ParameterizedContext): void {
  ctx.status = 204;
  ctx.body = null;
}
