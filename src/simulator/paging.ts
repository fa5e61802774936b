/**
 * SCM list paging (reference/scm-api.md §1.3): `size` and 0-based `position`,
 * the total in `X-Total-Count`. SCM does not document a default or what
 * happens above 200; we default to 200 and cap there.
 */
import type { Context } from 'koa';
import { scm } from './scm-reply.js';

const MAX_PAGE = 200;

export function page<T>(ctx: Context, items: T[]): T[] {
  const size = queryInt(ctx, 'size') ?? MAX_PAGE;
  const position = queryInt(ctx, 'position') ?? 0;
  ctx.set('X-Total-Count', String(items.length));
  return items.slice(position, position + Math.min(size, MAX_PAGE));
}

export function queryString(ctx: Context, name: string): string | undefined {
  const value = ctx.query[name];
  return Array.isArray(value) ? value[0] : value;
}

export function queryInt(ctx: Context, name: string): number | undefined {
  const value = queryString(ctx, name);
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value)) throw scm.invalidField(name);
  return Number(value);
}
