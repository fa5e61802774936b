/**
 * Mounts a path table (PathDefinition[]) under a mount point: matches the
 * path, answers `?help=1`, validates and coerces the data, calls the handler
 * and shapes Vault's answer (204 for an update with nothing to say, 404 for a
 * read with nothing or an empty list, as Vault does).
 */
import type { Middleware } from 'koa';
import { JsonText, writeEnvelope, writeErrors, writeJson, writeNoContent, writeVerbatim } from './envelope.js';
import type { RequestState } from './request-state.js';
import { UserError } from '../errors.js';
import { HttpError } from './errors.js';
import { renderHelp } from './help.js';
import type { PathDefinition, PathResponse } from './path.js';
import { compilePattern } from './path-matcher.js';
import { compileValidator, ignoredFieldsWarning } from './validation.js';

export interface MountOptions<C> {
  /** Without slashes: 'sectigo-vault-pki'. */
  mount: string;
  /** `mount_type` in responses. */
  mountType: string;
  definitions: PathDefinition<C>[];
  context: C;
  /**
   * What its requests are counted under in metrics, before the path's first
   * segment: the mount by default (`sys` → `sys/health`); the engine's is
   * empty, so its families read `certs`, `enroll`.
   */
  familyPrefix?: string;
}

export function mountPaths<C>(options: MountOptions<C>): Middleware<RequestState> {
  const routes = options.definitions.map((def) => ({
    def,
    matcher: compilePattern(def.pattern, def.decodeParam),
    validate: compileValidator(def as PathDefinition<unknown>),
  }));
  const patterns = new Set(options.definitions.map((def) => def.pattern));
  const prefix = `${options.mount}/`;

  return async (ctx, next) => {
    const { vaultPath } = ctx.state;
    if (vaultPath !== options.mount && !vaultPath.startsWith(prefix)) return next();
    const relative = vaultPath.slice(prefix.length);
    let found: { route: (typeof routes)[number]; params: Record<string, string> } | undefined;
    for (const route of routes) {
      const params = route.matcher.match(relative);
      if (params) {
        found = { route, params };
        break;
      }
    }
    if (!found) throw new HttpError(404, `unsupported path: ${vaultPath}`);
    const { route, params } = found;

    if (ctx.state.help) {
      writeJson(ctx, 200, { help: renderHelp(prefix, route.def as PathDefinition<unknown>) });
      return;
    }
    const operation = ctx.state.operation;
    const handler = route.def.operations[operation];
    if (!handler) {
      // `PUT configs/` reaches the list path; say what is missing, not "unsupported operation".
      const child = [...patterns].find((pattern) => pattern.startsWith(`${route.def.pattern}/:`) && pattern.split('/').length === route.def.pattern.split('/').length + 1);
      if (child && operation !== 'list' && ctx.path.endsWith('/')) {
        throw new UserError(`${child.split('/').pop()!.slice(1)}: must not be empty`);
      }
      throw new HttpError(405, `unsupported operation: ${operation} on ${vaultPath}`);
    }
    const { data, ignored } = route.validate(operation, ctx.state.data);
    const answer: PathResponse | void = await handler(
      {
        params,
        data,
        headers: ctx.headers as Record<string, string | undefined>,
        requestId: ctx.state.requestId,
        remoteAddress: ctx.req.socket.remoteAddress ?? '',
        // Read on use: the signal is made only for requests that wait on something.
        get signal() {
          return ctx.state.signal;
        },
        token: ctx.state.token && { id: ctx.state.clientToken!, entry: ctx.state.token },
        may: (capability) => ctx.state.granted === 'all' || (ctx.state.granted?.has(capability) ?? false),
      },
      options.context,
    );
    const result = ignored.length > 0 && !answer?.raw && !answer?.verbatim ? { ...answer, warnings: [ignoredFieldsWarning(ignored), ...(answer?.warnings ?? [])] } : answer;
    if (result?.raw) {
      writeJson(ctx, result.raw.status, result.raw.body);
      return;
    }
    if (result?.verbatim) {
      writeVerbatim(ctx, result.verbatim.status, result.verbatim.contentType, result.verbatim.body);
      return;
    }
    const answered = result?.data;
    const isEmptyList = operation === 'list' && !(answered instanceof JsonText) && !(Array.isArray(answered?.keys) && answered.keys.length > 0);
    if ((operation === 'read' && !result?.data) || isEmptyList) {
      writeErrors(ctx, 404, []);
      return;
    }
    if (!result?.data && !result?.auth && !(result?.warnings && result.warnings.length > 0)) {
      writeNoContent(ctx);
      return;
    }
    writeEnvelope(ctx, ctx.state.requestId, { data: result.data, warnings: result.warnings, auth: result.auth, mountType: options.mountType });
  };
}
