/**
 * The Koa app: SCM's error shape, a raw body reader (SCM parses JSON whatever
 * the Content-Type; the token endpoint takes a form), then the routes.
 */
import Koa from 'koa';
import type { Logger } from 'pino';
import { TOKEN_PATH, issueToken } from './auth.js';
import { ControlInputError } from './control-input.js';
import { mountControlRoutes } from './control-routes.js';
import { mountOrgRoutes } from './org-routes.js';
import { mountScm, rawBody, type SimulatorRuntime } from './runtime.js';
import { ScmReply } from './scm-reply.js';
import { mountSmimeRoutes } from './smime-routes.js';
import { mountSslOrders } from './ssl-orders.js';
import { RouteTable } from './route-table.js';
import { mountSslRoutes } from './ssl-routes.js';

const MAX_BODY_BYTES = 1024 * 1024;

export function createApp(runtime: SimulatorRuntime, logger?: Logger): Koa {
  const app = new Koa();
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      if (err instanceof ScmReply) {
        ctx.status = err.status;
        ctx.body = { code: err.code, description: err.description };
      } else if (err instanceof ControlInputError) {
        ctx.status = err.status;
        ctx.body = { error: err.message };
      } else {
        logger?.error({ err, path: ctx.path }, 'simulator internal error');
        ctx.status = 500;
        ctx.body = { code: -2, description: 'Internal error. Please contact Support for details.' };
      }
    }
  });
  app.use(async (ctx, next) => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) throw new ScmReply(413, -1, 'Unknown error.');
      chunks.push(chunk);
    }
    (ctx.state as { rawBody?: string }).rawBody = Buffer.concat(chunks).toString('utf8');
    await next();
  });

  const routes = new RouteTable();
  mountControlRoutes(routes, runtime);
  mountScm(
    routes,
    runtime,
    'POST',
    TOKEN_PATH,
    'token',
    (ctx) => issueToken(ctx, rawBody(ctx), runtime.credentials, runtime.tokens, runtime.state.settings.tokenTtlSeconds),
    { authenticated: false },
  );
  mountOrgRoutes(routes, runtime);
  mountSslOrders(routes, runtime);
  mountSslRoutes(routes, runtime);
  mountSmimeRoutes(routes, runtime);
  app.use(routes.middleware());
  // Spring's default for an unmapped path.
  app.use((ctx) => {
    ctx.status = 404;
    ctx.body = { timestamp: new Date().toISOString(), status: 404, error: 'Not Found', path: ctx.path };
  });
  return app;
}
