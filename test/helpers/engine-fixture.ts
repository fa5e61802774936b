/**
 * A real scmpki server (startServer on 127.0.0.1:0, LevelDB in a temp dir), a
 * real SCM simulator with its real CA, and real HTTP between all of them.
 * Config entries are written through the configs path, as users write them.
 */
import type { Test } from 'tap';
import type { ServerSettings } from '../../src/server/settings.js';
import type { Simulator } from '../../src/simulator/index.js';
import { startTestSimulator } from './test-simulator.js';
import { startTestServer, type TestServer } from './server-fixture.js';
import { opensslVerify } from './openssl-verify.js';
import { simulatorConnection } from './scm-connection.js';
import { engineCaller, type ApiReply } from './vault-api.js';

export interface Setup {
  server: TestServer;
  sim: Simulator;
  /** One request to the engine mount: `call('POST', 'revoke/web/1_demo', {...})`. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiReply>;
  /** Writes config `name` (connection to the test simulator, plus the given fields). */
  writeConfig(name: string, fields: Record<string, unknown>): Promise<void>;
  /** `openssl verify` of a leaf against the simulator's root and intermediate: openssl's verdict. */
  verify(leafPem: string): Promise<string>;
}

/** `settings` and `sealKey` go to the server (a test that picks its storage, or reopens it later). */
export interface SetupOptions {
  issueDelayMs?: number;
  settings?: Partial<ServerSettings>;
  sealKey?: Buffer;
}

export async function setUp(t: Test, options: SetupOptions = {}): Promise<Setup> {
  const sim = await startTestSimulator(t, { issueDelayMs: options.issueDelayMs ?? 200 });
  const server = await startTestServer(t, { log_level: 'warn', ...options.settings }, { sealKey: options.sealKey });

  const call = engineCaller(server.url, server.token);

  return {
    server,
    sim,
    call,
    async writeConfig(name, fields) {
      const reply = await call('POST', `configs/${name}`, { ...fields, ...simulatorConnection(sim) });
      if (reply.status >= 300) throw new Error(`config ${name}: ${reply.status} ${JSON.stringify(reply.body)}`);
    },
    async verify(leafPem) {
      return (await opensslVerify(sim.caChainPem, leafPem)).output;
    },
  };
}

/** setUp with the two configs most operation tests use: `web` (SSL_CONFIG) and `people` (CLIENT_CONFIG). */
export async function setUpWithConfigs(t: Test, options: SetupOptions = {}): Promise<Setup> {
  const setup = await setUp(t, options);
  await setup.writeConfig('web', SSL_CONFIG);
  await setup.writeConfig('people', CLIENT_CONFIG);
  return setup;
}

/** Fast collect settings for tests: the simulator issues in ~200 ms. */
export const FAST = { sectigo_loop_period: 0.1, sectigo_max_timeout: 20 };

export const SSL_CONFIG = {
  sectigo_config_type: 'ssl_cert',
  sectigo_ssl_cert_type: 2001,
  sectigo_ssl_cert_validity: 365,
  ...FAST,
};

export const CLIENT_CONFIG = {
  sectigo_config_type: 'client_cert',
  sectigo_client_cert_type: 3001,
  sectigo_client_cert_validity: 365,
  ...FAST,
};

export function sslEnroll(domain: string, key: { algo: string; size: string } = { algo: 'RSA', size: '2048' }) {
  return { sectigo_csr_domain: domain, sectigo_csr_key_algo: key.algo, sectigo_csr_key_size: key.size };
}

export function clientEnroll(email: string, key: { algo: string; size: string } = { algo: 'RSA', size: '2048' }) {
  return {
    sectigo_client_cert_email: email,
    sectigo_client_cert_first_name: 'Jane',
    sectigo_client_cert_last_name: 'Doe',
    sectigo_csr_key_algo: key.algo,
    sectigo_csr_key_size: key.size,
  };
}

/** Enrolls and insists on an issued certificate. */
export async function enrollIssued(setup: Setup, config: string, body: Record<string, unknown>): Promise<any> {
  const reply = await setup.call('POST', `enroll/${config}`, body);
  const status = reply.body?.data?.state?.at(-1)?.status;
  if (reply.status !== 200 || status !== 'Issued') throw new Error(`enroll ${config}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body.data;
}

export function statuses(record: { state: Array<{ status: string }> }): string[] {
  return record.state.map((s) => s.status);
}
