/**
 * For first-start.test.ts: a first start that gets as far as showing the root
 * token and then stops there, so the test can kill -9 it at exactly that step
 * (key file written, database created, token shown, token not yet stored).
 */
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logging.js';
import { resolveSettings } from '../../src/server/settings.js';
import { startServer } from '../../src/server/start.js';

const settings = resolveSettings([JSON.parse(process.argv[2]!) as Record<string, unknown>]);
const logger = createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) });
await startServer(settings, {
  logger,
  env: {},
  announceRootToken: async (token) => {
    process.stdout.write(`announced ${token}\n`);
    await new Promise(() => undefined);
  },
});
