/**
 * The two entries Vault writes per request, in Vault's shape: a `request`
 * entry before the request is served and a `response` entry before the
 * answer leaves, both carrying the request id. Built per device, because
 * each device hashes with its own salt. Knows nothing of HTTP: the
 * middleware (http/audit-trail.ts) describes the request in these terms.
 */
import { hashStructure, hmacOf, scrubMessage, type HashOptions } from './hmac.js';

/** The caller as the auth middleware found it. */
export interface AuditedCaller {
  /** The token as sent, if one was sent (also a wrong one: the attempt is worth logging). */
  clientToken?: string;
  /** Set once the token is known to be live. */
  token?: {
    /** Absent on token entries written before accessors existed: then the token's HMAC stands in. */
    accessor?: string;
    policies: string[];
    display_name: string;
    creation_time: string;
  };
}

export interface AuditedRequest {
  id: string;
  /** read, update, list, delete. */
  operation: string;
  /** Under /v1/, without slashes at either end. */
  path: string;
  remoteAddress: string;
  remotePort?: number;
  /** Body (update) or query (everything else), as received. */
  data: Record<string, unknown>;
  caller: AuditedCaller;
}

export interface AuditedResponse {
  status: number;
  /** `data`, `auth` and `warnings` of Vault's envelope, or a raw body (sys/mounts) as `data`. */
  data?: unknown;
  auth?: unknown;
  warnings?: string[];
  /** The `errors` of an error answer, joined. */
  error?: string;
}

export interface RequestEntry {
  time: string;
  type: 'request';
  auth: Record<string, unknown>;
  request: Record<string, unknown>;
  error?: string;
}

export interface ResponseEntry extends Omit<RequestEntry, 'type'> {
  type: 'response';
  response: Record<string, unknown>;
}

function authBlock(caller: AuditedCaller, options: HashOptions): Record<string, unknown> {
  const auth: Record<string, unknown> = {};
  if (caller.clientToken) auth.client_token = hmacOf(options.salt, caller.clientToken);
  const token = caller.token;
  if (token) {
    auth.accessor = accessorOf(caller, options);
    auth.display_name = token.display_name;
    auth.policies = token.policies;
    auth.token_policies = token.policies;
    auth.token_type = 'service';
    auth.token_issue_time = token.creation_time;
  }
  return auth;
}

function accessorOf(caller: AuditedCaller, options: HashOptions): string | undefined {
  const accessor = caller.token?.accessor;
  if (!accessor) return caller.clientToken && hmacOf(options.salt, caller.clientToken);
  return options.hmacAccessor ? hmacOf(options.salt, accessor) : accessor;
}

function requestBlock(req: AuditedRequest, options: HashOptions): Record<string, unknown> {
  return {
    id: req.id,
    operation: req.operation,
    client_token: req.caller.clientToken ? hmacOf(options.salt, req.caller.clientToken) : '',
    client_token_accessor: accessorOf(req.caller, options) ?? '',
    namespace: { id: 'root' },
    path: req.path,
    data: hashStructure(req.data, options),
    remote_address: req.remoteAddress,
    ...(req.remotePort === undefined ? {} : { remote_port: req.remotePort }),
  };
}

export function requestEntry(req: AuditedRequest, options: HashOptions, time: Date, error?: string): RequestEntry {
  return {
    time: time.toISOString(),
    type: 'request',
    auth: authBlock(req.caller, options),
    request: requestBlock(req, options),
    ...(error ? { error: scrubMessage(error, req.data, options.salt) } : {}),
  };
}

export function responseEntry(req: AuditedRequest, res: AuditedResponse, options: HashOptions, time: Date): ResponseEntry {
  const response: Record<string, unknown> = { status_code: res.status };
  if (res.data !== undefined && res.data !== null) response.data = hashStructure(res.data, options);
  if (res.auth !== undefined && res.auth !== null) response.auth = hashStructure(res.auth, options);
  if (res.warnings && res.warnings.length > 0) response.warnings = res.warnings.map((warning) => scrubMessage(warning, req.data, options.salt));
  return {
    time: time.toISOString(),
    type: 'response',
    auth: authBlock(req.caller, options),
    request: requestBlock(req, options),
    response,
    ...(res.error ? { error: scrubMessage(res.error, req.data, options.salt) } : {}),
  };
}
