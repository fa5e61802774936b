/**
 * Turns an HTTP request into Vault's terms: which operation (GET ?list=…,
 * the rewritten LIST verb, PUT/POST as one "update"), the path under /v1/, and
 * the request data (body for updates, query for everything else).
 */
import type { Middleware } from 'koa';
import { UserError } from '../errors.js';
import { HttpError } from '../framework/errors.js';
import { parseGoBool } from '../framework/go-values.js';
import type { Operation } from '../framework/path.js';
import { LIST_MARKER_HEADER } from './list-verb.js';
import { parseBody, readBody } from './request-body.js';
import type { RequestState } from '../framework/request-state.js';

function queryFlag(value: string | string[] | undefined, name: string): boolean {
  if (value === undefined) return false;
  const text = Array.isArray(value) ? value[value.length - 1]! : value;
  const parsed = parseGoBool(text);
  if (parsed === undefined) throw new UserError(`${name}: "${text}" is not a boolean (use true or false)`);
  return parsed;
}

function operationOf(method: string, isList: boolean): Operation {
  switch (method) {
    case 'GET':
    case 'HEAD':
      return isList ? 'list' : 'read';
    case 'PUT':
    case 'POST':
      return 'update';
    case 'DELETE':
      return 'delete';
    default:
      throw new HttpError(405, `unsupported operation: HTTP method ${method}`);
  }
}

export function requestData(maxRequestBytes: number): Middleware<RequestState> {
  return async (ctx, next) => {
    if (!ctx.path.startsWith('/v1/')) throw new HttpError(404, `no handler for route "${ctx.path}": the API lives under /v1/`);
    const vaultPath = ctx.path.slice('/v1/'.length);
    // '.' and '..' would let a path climb out of its mount once a proxy normalises it.
    if (vaultPath.split('/').some((segment) => segment === '.' || segment === '..')) {
      throw new UserError(`path "${vaultPath}": "." and ".." segments are not allowed`);
    }
    ctx.state.vaultPath = vaultPath.replace(/^\/+|\/+$/g, '');
    const { list, help, ...query } = ctx.query;
    const isList = ctx.get(LIST_MARKER_HEADER) === '1' || queryFlag(list, 'list');
    ctx.state.operation = operationOf(ctx.method, isList);
    ctx.state.help = queryFlag(help, 'help');
    ctx.state.data =
      ctx.state.operation === 'update'
        ? parseBody(await readBody(ctx.req, maxRequestBytes, ctx.state.signal), ctx.get('Content-Type'))
        : (query as Record<string, unknown>);
    await next();
  };
}
