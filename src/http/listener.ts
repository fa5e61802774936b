/**
 * The connection layer under Koa: how long a client may take, and the answer
 * to what node's HTTP parser refuses before any middleware runs.
 *
 * A slow or stalled client is bounded at every stage, as Vault's tcp listener
 * bounds it (http_read_header_timeout 10 s, http_read_timeout, http_idle_timeout):
 *
 *   headers   10 s, or max_request_duration if shorter → 408, connection closed
 *   body      the request's deadline (max_request_duration), kept by the body
 *             reader itself (request-body.ts) → 408 through the usual error path
 *   backstop  node's requestTimeout a little later, for a body no handler reads
 *   idle      5 s between keep-alive requests; a connection silent for longer
 *             than any request may take (one that never sends a byte) is closed
 *
 * node checks header and request deadlines on a timer (30 s by default, which
 * is how a 300 s requestTimeout held a stalled upload for 313 s); once a
 * second keeps the bounds close to what they say. A client too slow is the
 * client's problem: it is logged at info, never as an internal error.
 */
import type { Server, ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '../logging.js';
import { replayListRequest, type ParserError } from './list-verb.js';

export const HEADERS_TIMEOUT_MS = 10_000;
export const KEEP_ALIVE_TIMEOUT_MS = 5_000;
const BACKSTOP_MS = 5_000;
const CHECK_INTERVAL_MS = 1_000;

/** Options for http(s).createServer. node requires headersTimeout <= requestTimeout. */
export function listenerTimeouts(maxRequestDurationMs: number): ServerOptions {
  const headersTimeout = Math.min(HEADERS_TIMEOUT_MS, maxRequestDurationMs);
  return {
    headersTimeout,
    requestTimeout: headersTimeout + maxRequestDurationMs + BACKSTOP_MS,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    connectionsCheckingInterval: CHECK_INTERVAL_MS,
  };
}

function answer(socket: Socket, status: string, message: string): void {
  // As node's own handler does: never write into a response already under way.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (!socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ errors: [message] });
  socket.end(
    `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * Installs the one clientError handler (LIST replay, 408, 431, 400) and the
 * idle bound. `replayTo` as for replayListRequest (list-verb.ts).
 */
export function guardConnections(server: Server, replayTo: Server, logger: Logger, maxRequestDurationMs: number): void {
  const { headersTimeout = 0, requestTimeout = 0 } = listenerTimeouts(maxRequestDurationMs);
  server.setTimeout(requestTimeout, (socket: Socket) => {
    logger.debug({ remote_address: socket.remoteAddress }, 'closed a connection idle for longer than a request may take');
    socket.destroy();
  });
  server.on('clientError', (err: ParserError, socket: Socket) => {
    const refuse = (status: string, message: string) => {
      logger.info({ remote_address: socket.remoteAddress, code: err.code, status: Number.parseInt(status, 10) }, message);
      answer(socket, status, message);
    };
    if (replayListRequest(err, socket, replayTo, refuse)) return;
    if (err.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      refuse('408 Request Timeout', `the request did not arrive in time (headers are allowed ${headersTimeout / 1000} s)`);
      return;
    }
    if (err.code === 'HPE_HEADER_OVERFLOW') {
      refuse('431 Request Header Fields Too Large', 'request headers are too large');
      return;
    }
    refuse('400 Bad Request', `malformed HTTP request (${err.code ?? err.message})`);
  });
}
