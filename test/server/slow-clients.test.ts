/**
 * Slow or stalled clients are bounded (http/listener.ts): headers and body
 * each get a deadline, the answer is 408, and the log says so at info, never
 * as an internal error. Bounds are checked with wide margins only.
 */
import { t } from '../helpers/suite.js';
import { connect, type Socket } from 'node:net';
import { startTestServer } from '../helpers/server-fixture.js';

/** Writes `text`, then waits (without sending more) for the server's answer and the connection's end. */
function stall(url: string, text: string): Promise<{ answer: string; ms: number }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket: Socket = connect(Number(port), hostname, () => socket.write(text));
    let answer = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve({ answer, ms: Date.now() - started }));
  });
}

t.test('a body that stops arriving is answered 408 at max_request_duration, logged at info', async (t) => {
  const server = await startTestServer(t, { max_request_duration: 2 });
  const head = `PUT /v1/sys/policies/acl/slow HTTP/1.1\r\nHost: x\r\nX-Vault-Token: ${server.token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n`;
  const { answer, ms } = await stall(server.url, `${head}{"policy":`);
  t.match(answer, /^HTTP\/1\.1 408 /);
  t.match(answer, /not all of it arrived within max_request_duration/);
  t.match(answer, /connection: close/i, 'the unread rest of the body cannot be followed by another request');
  t.ok(ms >= 1500 && ms < 30_000, `answered after ${ms} ms`);
  t.notOk(server.logLines.some((line) => /internal error/.test(line)), 'not an internal error');
  const logged = server.logLines.map((line) => JSON.parse(line)).find((line) => line.msg === 'request' && line.status === 408);
  t.equal(logged?.level, 30, 'the request line, at info');
});

t.test('headers that stop arriving are answered 408 (not 400 "malformed"), logged at info', async (t) => {
  const server = await startTestServer(t, { max_request_duration: 2 });
  const { answer, ms } = await stall(server.url, 'GET /v1/sys/health HTTP/1.1\r\nHost: x\r\n');
  t.match(answer, /^HTTP\/1\.1 408 /);
  t.notMatch(answer, /malformed/);
  t.ok(ms >= 1500 && ms < 30_000, `answered after ${ms} ms`);
  const logged = server.logLines.map((line) => JSON.parse(line)).find((line) => line.status === 408);
  t.equal(logged?.level, 30, 'logged at info');
  t.notOk(server.logLines.some((line) => /internal error/.test(line)));
});

t.test('a client that leaves in the middle of a body is not an internal error', async (t) => {
  const server = await startTestServer(t);
  const { hostname, port } = new URL(server.url);
  await new Promise<void>((resolve) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(`PUT /v1/sys/policies/acl/gone HTTP/1.1\r\nHost: x\r\nX-Vault-Token: ${server.token}\r\nContent-Length: 100\r\n\r\n{"po`);
      setTimeout(() => socket.destroy(), 200);
    });
    socket.on('close', () => resolve());
  });
  const logged = await new Promise<Record<string, unknown> | undefined>((resolve) => {
    const poll = setInterval(() => {
      const line = server.logLines.map((l) => JSON.parse(l)).find((l) => l.msg === 'request' && l.path === '/v1/sys/policies/acl/gone');
      if (line) {
        clearInterval(poll);
        resolve(line);
      }
    }, 50);
  });
  t.equal(logged?.status, 400);
  t.notOk(server.logLines.some((line) => /internal error/.test(line)));
});
