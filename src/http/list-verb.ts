/**
 * The LIST verb (vault-compat.md §1.12). Node's HTTP parser rejects methods
 * it does not know before any handler runs, so node-vault's default list()
 * and `curl -X LIST` would get a bare 400. When that happens we take the
 * bytes the parser refused, rewrite the request line to GET with a marker
 * header, and hand them to the same HTTP server as a new connection whose
 * output goes to the original socket. The parser of the original connection
 * is in an error state, so the rewritten request carries `Connection: close`
 * and the socket closes after the answer; clients simply reconnect.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';

export const LIST_MARKER_HEADER = 'x-scmpki-list';

export interface ParserError extends Error {
  code?: string;
  rawPacket?: Buffer;
}

function rewriteListRequest(raw: Buffer): Buffer | undefined {
  const headerEnd = raw.indexOf('\r\n\r\n');
  if (headerEnd === -1) return undefined;
  const [requestLine, ...headers] = raw.subarray(0, headerEnd).toString('latin1').split('\r\n');
  const keptHeaders = headers.filter((line) => !/^(connection|x-scmpki-list)\s*:/i.test(line));
  const head = [requestLine!.replace(/^LIST /, 'GET '), ...keptHeaders, `${LIST_MARKER_HEADER}: 1`, 'Connection: close'];
  return Buffer.from(head.join('\r\n') + '\r\n\r\n', 'latin1');
}

function replayOnSocket(server: Server, socket: Socket, request: Buffer): void {
  const connection = new Duplex({
    read() {},
    write(chunk, _encoding, done) {
      socket.write(chunk, done);
    },
    final(done) {
      socket.end();
      done();
    },
    destroy(err, done) {
      socket.destroy();
      done(err);
    },
  });
  // The request still comes from the client's address (access log, audit entries).
  Object.defineProperties(connection, {
    remoteAddress: { value: socket.remoteAddress },
    remotePort: { value: socket.remotePort },
    remoteFamily: { value: socket.remoteFamily },
  });
  socket.once('close', () => connection.destroy());
  server.emit('connection', connection);
  connection.push(request);
}

/**
 * Replays a LIST request the parser refused (see the head of this file);
 * false when `err` is not one. `replayTo` receives the rewritten request: the
 * same server for plain HTTP; for HTTPS an unlistened plain server with the
 * same handler, because the socket handed to clientError is already decrypted.
 */
export function replayListRequest(err: ParserError, socket: Socket, replayTo: Server, refuse: (status: string, message: string) => void): boolean {
  const raw = err.rawPacket;
  if (err.code !== 'HPE_INVALID_METHOD' || !raw || raw.subarray(0, 5).toString('latin1') !== 'LIST ') return false;
  const rewritten = rewriteListRequest(raw);
  if (rewritten) replayOnSocket(replayTo, socket, rewritten);
  else refuse('400 Bad Request', 'LIST request headers must arrive in one packet');
  return true;
}
