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

interface ParserError extends Error {
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
  socket.once('close', () => connection.destroy());
  server.emit('connection', connection);
  connection.push(request);
}

function refuse(socket: Socket, status: string, message: string): void {
  if (!socket.writable) {
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
 * `replayTo` receives the rewritten request: the same server for plain HTTP;
 * for HTTPS an unlistened plain server with the same handler, because the
 * socket handed to clientError is already decrypted.
 */
export function acceptListVerb(server: Server, replayTo: Server): void {
  server.on('clientError', (err: ParserError, socket: Socket) => {
    const raw = err.rawPacket;
    if (err.code === 'HPE_INVALID_METHOD' && raw && raw.subarray(0, 5).toString('latin1') === 'LIST ') {
      const rewritten = rewriteListRequest(raw);
      if (rewritten) {
        replayOnSocket(replayTo, socket, rewritten);
        return;
      }
      refuse(socket, '400 Bad Request', 'LIST request headers must arrive in one packet');
      return;
    }
    if (err.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    if (err.code === 'HPE_HEADER_OVERFLOW') {
      refuse(socket, '431 Request Header Fields Too Large', 'request headers are too large');
      return;
    }
    refuse(socket, '400 Bad Request', `malformed HTTP request (${err.code ?? err.message})`);
  });
}
