/**
 * The `scmpki` command table (in this process: what a command sends and prints
 * does not depend on the process boundary) against a real server (real LevelDB in a temp
 * dir, real HTTP on 127.0.0.1:0) and a real SCM simulator, with its own HOME.
 */
import type { Test } from 'tap';
import { keyValueArgs, runCliInProcess } from './run-cli.js';
import { simulatorConnection } from './scm-connection.js';
import { startTestServer } from './server-fixture.js';
import { tempDir } from './temp-dir.js';
import { startTestSimulator } from './test-simulator.js';

export async function startCliFixture(t: Test) {
  const sim = await startTestSimulator(t);
  const server = await startTestServer(t);
  const home = await tempDir(t, 'cli-home');
  const env = { HOME: home, VAULT_ADDR: server.url, VAULT_TOKEN: server.token };
  const cli = (args: string[], stdin?: string, extraEnv: Record<string, string | undefined> = {}) =>
    runCliInProcess(args, { env: { ...env, ...extraEnv }, stdin });
  // Without the password: each test sends it its own way (@file, stdin).
  const { sectigo_cm_password: _password, ...withoutPassword } = simulatorConnection(sim);
  const connection = keyValueArgs({ ...withoutPassword, sectigo_config_type: 'ssl_cert' });
  return { sim, server, home, cli, connection };
}
