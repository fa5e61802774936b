/**
 * Mounts a path table (PathDefinition[]) under a mount point: matches the
 * path, answers `?help=1`, validates and coerces the data, calls the handler
 * and shapes Vault's answer (204 for an update with nothing to say, 404 for a
 * read with nothing or an empty list, as Vault does).
 */
import type { Middleware } from 'koa';
import { JsonText, writeEnvelope, writeErrors, writeJson, writeNoContent, writeVerbatim, type EnvelopeParts } from './envelope.js';
import type { RequestState } from './request-state.js';
import { UserError } from '../errors.js';
import { HttpError } from './errors.js';
import { renderHelp } from './help.js';
import type { Operation, PathDefinition, PathRequest, PathResponse } from './path.js';
import { compilePattern } from './path-matcher.js';
import { compileValidator, ignoredFieldsWarning, type RequestValidator } from './validation.js';

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

/** A mount's path table compiled: which paths it owns, and the first route matching one. */
export interface RouteTable<C> {
  /** The mount answers every path under it, if only with 404: no later mount sees them. */
  owns(vaultPath: string): boolean;
  /** The first route (in table order) matching a path the mount owns; throws UserError for a parameter that is not a name. */
  match(vaultPath: string): RouteMatch<C> | undefined;
}

export interface RouteMatch<C> {
  route: CompiledRoute<C>;
  params: Record<string, string>;
}

export interface CompiledRoute<C> {
  def: PathDefinition<C>;
  validate: RequestValidator;
}

export function routeTable<C>(options: Pick<MountOptions<C>, 'mount' | 'definitions'>): RouteTable<C> {
  const routes = options.definitions.map((def) => ({
    def,
    matcher: compilePattern(def.pattern, def.decodeParam),
    validate: compileValidator(def as PathDefinition<unknown>),
  }));
  const prefix = `${options.mount}/`;
  return {
    owns: (vaultPath) => vaultPath === options.mount || vaultPath.startsWith(prefix),
    match(vaultPath) {
      const relative = vaultPath.slice(prefix.length);
      for (const route of routes) {
        const params = route.matcher.match(relative);
        if (params) return { route, params };
      }
      return undefined;
    },
  };
}

/** `table`: the mount's compiled table when it is shared (the hot-read path routes with the same one). */
export function mountPaths<C>(options: MountOptions<C>, table: RouteTable<C> = routeTable(options)): Middleware<RequestState> {
  const patterns = new Set(options.definitions.map((def) => def.pattern));
  const prefix = `${options.mount}/`;

  return async (ctx, next) => {
    const { vaultPath } = ctx.state;
    if (!table.owns(vaultPath)) return next();
    const found = table.match(vaultPath);
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
        may: mayOf(ctx.state.granted),
      },
      options.context,
    );
    const shaped = wireAnswer(operation, answer, ignored, options.mountType);
    switch (shaped.kind) {
      case 'json':
        writeJson(ctx, shaped.status, shaped.body);
        return;
      case 'verbatim':
        writeVerbatim(ctx, shaped.status, shaped.contentType, shaped.body);
        return;
      case 'not-found':
        writeErrors(ctx, 404, []);
        return;
      case 'no-content':
        writeNoContent(ctx);
        return;
      case 'envelope':
        writeEnvelope(ctx, ctx.state.requestId, shaped.parts);
    }
  };
}

/** `PathRequest.may` over what the policy decision granted (enforce-policies.ts). */
export function mayOf(granted: RequestState['granted']): PathRequest['may'] {
  return (capability) => granted === 'all' || (granted?.has(capability) ?? false);
}

/** What an operation's answer becomes on the wire, before anything is written. */
export type WireAnswer =
  | { kind: 'json'; status: number; body: unknown }
  | { kind: 'verbatim'; status: number; contentType: string; body: NonNullable<PathResponse['verbatim']>['body'] }
  | { kind: 'not-found' }
  | { kind: 'no-content' }
  | { kind: 'envelope'; parts: EnvelopeParts };

/**
 * Vault's shaping of a handler's answer: raw JSON or a verbatim body as
 * given; 404 for a read with nothing or an empty list; 204 for nothing to
 * say; else the envelope, with the warning about ignored fields first.
 */
export function wireAnswer(operation: Operation, answer: PathResponse | void, ignored: string[], mountType: string): WireAnswer {
  const result = ignored.length > 0 && !answer?.raw && !answer?.verbatim ? { ...answer, warnings: [ignoredFieldsWarning(ignored), ...(answer?.warnings ?? [])] } : answer;
  if (result?.raw) return { kind: 'json', status: result.raw.status, body: result.raw.body };
  if (result?.verbatim) return { kind: 'verbatim', ...result.verbatim };
  const answered = result?.data;
  const isEmptyList = operation === 'list' && !(answered instanceof JsonText) && !(Array.isArray(answered?.keys) && answered.keys.length > 0);
  if ((operation === 'read' && !result?.data) || isEmptyList) return { kind: 'not-found' };
  if (!result?.data && !result?.auth && !(result?.warnings && result.warnings.length > 0)) return { kind: 'no-content' };
  return { kind: 'envelope', parts: { data: result.data, warnings: result.warnings, auth: result.auth, mountType } };
}
