/**
 * The hot-read path, in front of the Koa application: an authenticated
 * `GET /v1/<mount>/certs/<config>/<id>` of a record that needs no SCM call
 * (an application reading its certificate on a timer, most of the load a
 * server sees) is answered here, without the middleware chain, whose own
 * cost was most of such a read's (docs/benchmarks.md).
 *
 * The rule that keeps it honest: anything this path is not sure of falls
 * through to the application untouched, which then answers as it always
 * did. Only a plain GET whose path is plain characters, with no query, no
 * body and none of the headers that change an answer (wrapping, namespaces,
 * the LIST marker), carrying a token, on a server with no audit device
 * (audit entries are written by the chain), reaches the checks; every check
 * is the chain's own function: the token (require-token.ts), the policy
 * decision (enforce-policies.ts), the routing and validation (router.ts),
 * the path's `plainRead`, which answers only when its full read would do
 * nothing but read (engine/path-certs.ts), and the answer's shaping. A check
 * that fails or throws, or an answer that is not a plain envelope, falls
 * through: the chain repeats the work and answers the refusal, the 404 or
 * the renewal as before. The answer carries its own request id and is written
 * with the chain's headers, and the request is logged and counted as the
 * chain logs and counts it (request-context.ts).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LRUCache } from 'lru-cache';
import type { AuditBroker } from '../audit/broker.js';
import { grantedFor, needsNoPolicy } from '../auth/enforce-policies.js';
import type { PolicyStore } from '../auth/policy-store.js';
import { needsNoToken, presentedToken, tokenFrom, type TokenGateOptions } from '../auth/require-token.js';
import type { TokenStore } from '../auth/token-store.js';
import { envelopeHead, envelopeRest, JsonText, type EnvelopeParts } from '../framework/envelope.js';
import type { OperationHandler, PathRequest } from '../framework/path.js';
import { mayOf, wireAnswer, type CompiledRoute, type MountOptions, type RouteTable } from '../framework/router.js';
import { LIST_MARKER_HEADER } from './list-verb.js';
import type { RequestRecord } from './request-context.js';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface HotReadParts {
  tokens: TokenStore;
  policies: PolicyStore;
  tokenGate: TokenGateOptions;
  audit?: AuditBroker;
  /** The static mounts in routing order, each with the table the chain routes it with. */
  mounts: ReadonlyArray<{ options: MountOptions<unknown>; table: RouteTable<unknown> }>;
  record: RequestRecord;
  familyOf(vaultPath: string): string;
  /** Told of each read answered here (metrics: scmpki_http_hot_reads_total). */
  answered?(family: string): void;
}

/** A plain path and what the chain would route it to. */
interface Routed {
  vaultPath: string;
  mount: HotReadParts['mounts'][number];
  route: CompiledRoute<unknown>;
  plainRead: OperationHandler<unknown>;
  params: Readonly<Record<string, string>>;
  /** Its path family in the metrics. */
  family: string;
}

/** How many routed paths are kept (a few hundred bytes each): about one per certificate read often. */
const ROUTED_PATHS = 10_000;

/** `/v1/` and plain segments: no query, no fragment, no percent-encoding, no empty segment, no trailing slash. */
const PLAIN_PATH = /^\/v1\/([A-Za-z0-9_-][A-Za-z0-9._-]*(?:\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*)$/;

/** Request headers after which only the chain may answer (vault-headers.ts, list-verb.ts), or that announce a body. */
const CHAIN_HEADERS = ['x-vault-wrap-ttl', 'x-vault-namespace', LIST_MARKER_HEADER, 'content-length', 'transfer-encoding'];

/** Per serialised record (JsonText, one per stored version): the envelope after its request id, as bytes. */
const restBytes = new WeakMap<JsonText, { mountType: string | undefined; bytes: Buffer }>();

/** The answer's body in two parts: its own head (with the request id), and the bytes kept for the stored value. */
function bodyOf(requestId: string, parts: EnvelopeParts & { data: JsonText }): [string, Buffer] {
  const head = envelopeHead(requestId);
  // Only the plain answer is kept: warnings (and an auth block) belong to one request, not to the stored value.
  if ((parts.warnings && parts.warnings.length > 0) || parts.auth) return [head, Buffer.from(envelopeRest(parts))];
  let rest = restBytes.get(parts.data);
  if (rest === undefined || rest.mountType !== parts.mountType) {
    rest = { mountType: parts.mountType, bytes: Buffer.from(envelopeRest(parts)) };
    restBytes.set(parts.data, rest);
  }
  return [head, rest.bytes];
}

/**
 * The request a `plainRead` gets. A plain read waits on nothing: a handler
 * that asks for a signal is not one, and the chain answers instead. (A class:
 * an object literal with a getter, made per request, cost more than the read.)
 */
class PlainReadRequest implements PathRequest {
  constructor(
    readonly params: Record<string, string>,
    readonly data: Record<string, unknown>,
    readonly headers: Record<string, string | undefined>,
    readonly requestId: string,
    readonly remoteAddress: string,
    readonly token: PathRequest['token'],
    readonly may: PathRequest['may'],
  ) {}

  get signal(): AbortSignal {
    throw new Error('a plain read has no AbortSignal');
  }
}

/** The hot-read path in front of `chain` (the Koa application's callback). */
export function withHotReads(parts: HotReadParts, chain: RequestHandler): RequestHandler {
  // Routing depends on the path alone and the static mounts never change: each plain path is routed once.
  const routed = new LRUCache<string, Routed>({ max: ROUTED_PATHS });

  /** The chain's routing: the first mount that owns the path answers it, if only with 404. Undefined unless a plainRead answers it. */
  const route = (url: string): Routed | undefined => {
    const known = routed.get(url);
    if (known) return known;
    const vaultPath = PLAIN_PATH.exec(url)?.[1];
    if (vaultPath === undefined || vaultPath.split('/').includes('..')) return undefined;
    const mount = parts.mounts.find(({ table }) => table.owns(vaultPath));
    let found: ReturnType<RouteTable<unknown>['match']>;
    try {
      found = mount?.table.match(vaultPath);
    } catch {
      // A segment that is not a name: the chain says so.
      return undefined;
    }
    const plainRead = found?.route.def.plainRead;
    if (!mount || !found || !plainRead || !found.route.def.operations.read) return undefined;
    const entry: Routed = { vaultPath, mount, route: found.route, plainRead, params: Object.freeze(found.params), family: parts.familyOf(vaultPath) };
    routed.set(url, entry);
    return entry;
  };

  /** Where the request goes and its token when it may be a plain read; undefined sends it to the chain at once. */
  const candidate = (req: IncomingMessage): { to: Routed; token: string } | undefined => {
    if (req.method !== 'GET' || parts.audit?.enabled) return undefined;
    const { headers } = req;
    if (CHAIN_HEADERS.some((name) => headers[name] !== undefined)) return undefined;
    const token = tokenFrom(headerText(headers['x-vault-token']), headerText(headers.authorization));
    if (token === '') return undefined;
    const to = route(req.url ?? '');
    return to && { to, token };
  };

  /** true when answered; false leaves the request, untouched, to the chain. */
  const answer = async (req: IncomingMessage, res: ServerResponse, to: Routed, token: string, startedAt: bigint): Promise<boolean> => {
    const { vaultPath, mount, plainRead } = to;
    // Public paths change as PKI engines are mounted: asked on every request.
    if (needsNoToken(vaultPath, parts.tokenGate) || needsNoPolicy(vaultPath)) return false;
    const remoteAddress = req.socket.remoteAddress ?? '';
    const entry = await presentedToken(parts.tokens, token, remoteAddress);
    if (entry === undefined) return false;
    const granted = await grantedFor(parts.policies, entry, { vaultPath, operation: 'read', help: false });
    if (granted === undefined) return false;
    const { data, ignored } = to.route.validate('read', {});
    const requestId = randomUUID();
    const request = new PlainReadRequest(to.params, data, req.headers as Record<string, string | undefined>, requestId, remoteAddress, { id: token, entry }, mayOf(granted));
    const shaped = wireAnswer('read', await plainRead(request, mount.options.context), ignored, mount.options.mountType);
    if (shaped.kind !== 'envelope' || !(shaped.parts.data instanceof JsonText)) return false;
    const [head, rest] = bodyOf(requestId, shaped.parts as EnvelopeParts & { data: JsonText });
    parts.record.received(requestId, 'GET', req.url!);
    // The chain's headers, in its order: request-context.ts, then the body's (envelope.ts).
    res.writeHead(200, { 'Cache-Control': 'no-store', 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(head) + rest.length });
    // Two writes, one packet: node corks the socket for the tick, and the stored bytes are not copied.
    res.write(head);
    res.end(rest);
    parts.record.finished({ requestId, method: 'GET', path: req.url!, vaultPath, family: to.family, operation: 'read', status: 200, startedAt });
    parts.answered?.(to.family);
    return true;
  };

  return (req, res) => {
    const startedAt = process.hrtime.bigint();
    const plain = candidate(req);
    if (!plain) return chain(req, res);
    answer(req, res, plain.to, plain.token, startedAt).then(
      (answered) => answered || chain(req, res),
      // Whatever went wrong, the chain finds it again and answers it as it always has.
      () => (res.headersSent ? undefined : chain(req, res)),
    );
  };
}

/** A header as Koa's `ctx.get` reads it: '' when absent. */
function headerText(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(', ') : (value ?? '');
}
