/**
 * Vault's response shapes, with the JSON types its Go client decodes
 * strictly, and the exact `Content-Type: application/json` (no charset:
 * hvac only reads `errors` when the header is exactly that).
 */
import type { ParameterizedContext } from 'koa';

export interface EnvelopeParts {
  data?: Record<string, unknown> | null;
  warnings?: string[];
  auth?: Record<string, unknown> | null;
  mountType?: string;
}

export function writeJson(ctx: ParameterizedContext, status: number, body: unknown): void {
  ctx.status = status;
  ctx.body = JSON.stringify(body);
  ctx.set('Content-Type', 'application/json');
}

export function writeEnvelope(ctx: ParameterizedContext, requestId: string, parts: EnvelopeParts): void {
  writeJson(ctx, 200, {
    request_id: requestId,
    lease_id: '',
    renewable: false,
    lease_duration: 0,
    data: parts.data ?? null,
    wrap_info: null,
    warnings: parts.warnings && parts.warnings.length > 0 ? parts.warnings : null,
    auth: parts.auth ?? null,
    ...(parts.mountType ? { mount_type: parts.mountType } : {}),
  });
}

export function writeErrors(ctx: ParameterizedContext, status: number, errors: string[]): void {
  writeJson(ctx, status, { errors });
}

export function writeNoContent(ctx: ParameterizedContext): void {
  ctx.status = 204;
  ctx.body = null;
}
