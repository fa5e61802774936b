/**
 * The access line written without pino's walk over its fields
 * (src/http/access-line.ts) is the line pino itself writes for the same
 * fields, on the server's own logger; a logger that shapes its lines
 * otherwise logs through pino.
 */
import { Writable } from 'node:stream';
import { t } from '../helpers/suite.js';
import { accessLineWriter } from '../../src/http/access-line.js';
import { createLogger, Loggers } from '../../src/logging.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter((line) => line !== ''));
      done();
    },
  });
  return { lines, destination };
}

const withoutTime = (line: string) => line.replace(/"time":"[^"]+"/, '"time":""');

const line = { request_id: '4f1c2a9e-8d7b-4c3a-9e1f-0a2b3c4d5e6f', method: 'GET', path: '/v1/sectigo-vault-pki/certs/web/1_"quoted"\\', status: 200, ms: 0.734512 };

t.test('on the server\'s access logger, the line is the one pino writes', async (t) => {
  const { lines, destination } = capture();
  const loggers = new Loggers(createLogger({ level: 'info', destination }));
  const access = loggers.derive('http', { redact: [] });
  accessLineWriter(access)(line);
  access.info({ ...line }, 'request');
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(lines.length, 2);
  t.equal(withoutTime(lines[0]!), withoutTime(lines[1]!));
  t.match(JSON.parse(lines[0]!), { level: 30, service: 'scmpki', logger: 'http', ...line, msg: 'request' });
});

t.test('the line follows the logger\'s level as sys/loggers sets it', async (t) => {
  const { lines, destination } = capture();
  const loggers = new Loggers(createLogger({ level: 'info', destination }));
  const write = accessLineWriter(loggers.derive('http', { redact: [] }));
  loggers.setLevel('warn', 'http');
  write(line);
  loggers.setLevel(undefined, 'http');
  write(line);
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(lines.length, 1, 'only the line written at info');
});

t.test('a logger with a mixin logs the line through pino, mixin and all', async (t) => {
  const { lines, destination } = capture();
  const { pino } = await import('pino');
  const logger = pino({ mixin: () => ({ node: 'a' }) }, destination);
  accessLineWriter(logger)(line);
  await new Promise((resolve) => setImmediate(resolve));
  t.match(JSON.parse(lines[0]!), { node: 'a', ...line, msg: 'request' });
});
