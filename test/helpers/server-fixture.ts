import { Writable } from 'node:stream';
import type { Test } from 'tap';
import { createLogger } from '../../src/logging.js';
import { resolveSettings, type ServerSettings } from '../../src/server/settings.js';
import { startServer, type RunningServer } from '../../src/server/start.js';
import { generateSealKey } from '../../src/storage/seal-key.js';
import { tempDir } from './temp-dir.js';
import { storageSettingsFor } from './test-storage.js';

export interface TestServer extends RunningServer {
  token: string;
  dataDir: string;
  sealKey: Buffer;
  /** Every log line the server wrote, raw. */
  logLines: string[];
}

/** A real server on 127.0.0.1:0 over a real store (LevelDB in a temp dir, or PostgreSQL: test-storage.ts), closed when the test ends. */
export async function startTestServer(
  t: Test,
  overrides: Partial<ServerSettings> = {},
  options: { sealKey?: Buffer; dataDir?: string } = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? (await tempDir(t, 'server'));
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(...String(chunk).split('\n').filter((line) => line !== ''));
      done();
    },
  });
  const settings = resolveSettings([
    { listen_address: '127.0.0.1:0', ...(await storageSettingsFor(dataDir)), seal_key_file: `${dataDir}/seal.key`, log_level: 'debug', ...overrides },
  ]);
  const sealKey = options.sealKey ?? generateSealKey();
  const server = await startServer(settings, { sealKey, logger: createLogger({ level: 'debug', destination }) });
  t.teardown(() => server.close());
  return { ...server, token: server.rootToken ?? '', dataDir, sealKey, logLines };
}
