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
  const head = { request_id: requestId, lease_id: '', renewable: false, lease_duration: 0 };
  const tail = {
    wrap_info: null,
    warnings: parts.warnings && parts.warnings.length > 0 ? parts.warnings : null,
    auth: parts.auth ?? null,
    ...(parts.mountType ? { mount_type: parts.mountType } : {}),
  };
  if (!(parts.data instanceof JsonText)) {
    writeJson(ctx, 200, { ...head, data: parts.data ?? null, ...tail });
    return;
  }
  ctx.status = 200;
  ctx.body = `${JSON.stringify(head).slice(0, -1)},"data":${parts.data.text},${JSON.stringify(tail).slice(1)}`;
  ctx.set('Content-Type', 'application/json');
}

export function writeErrors(ctx: ParameterizedContext, status: number, errors: string[]): void {
  writeJson(ctx, status, { errors });
}

export function writeNoContent(ctx: ParameterizedContext): void {
  ctx.status = 204;
  ctx.body = null;
}
