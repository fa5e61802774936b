/**
 * The simulator's routes: method + pattern → handler, matched with the
 * server's path matcher (framework/path-matcher.ts) so the project has one
 * router. The first route that matches wins, so specific paths are added
 * before `/:sslId`. As Spring does for SCM, a GET route answers HEAD (SCM's
 * "count" call: the headers, no body) and one trailing slash is ignored.
 * Anything unmatched falls through to the app's Spring-style 404.
 */
import type { Context, Middleware } from 'koa';
import { compilePattern, type CompiledPattern } from '../framework/path-matcher.js';

export type RouteParams = Record<string, string>;
export type RouteHandler = (ctx: Context, params: RouteParams) => Promise<void> | void;
export type RouteMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

interface Route {
  method: RouteMethod;
  matcher: CompiledPattern;
  handler: RouteHandler;
}

export class RouteTable {
  private readonly routes: Route[] = [];

  add(method: RouteMethod, patterns: string | string[], handler: RouteHandler): void {
    for (const pattern of [patterns].flat()) {
      this.routes.push({ method, matcher: compilePattern(pattern, decodeParam), handler });
    }
  }

  middleware(): Middleware {
    return async (ctx, next) => {
      const method = ctx.method === 'HEAD' ? 'GET' : ctx.method;
      const path = ctx.path.length > 1 && ctx.path.endsWith('/') ? ctx.path.slice(0, -1) : ctx.path;
      for (const route of this.routes) {
        if (route.method !== method) continue;
        const params = route.matcher.match(path);
        if (params) return route.handler(ctx, params);
      }
      return next();
    };
  }
}

/** SCM's path values are ids, formats and serials: any non-empty segment, decoded when it can be. */
function decodeParam(_name: string, raw: string): string | undefined {
  if (raw === '') return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
