/**
 * A real SCM simulator and a real scmpki server in-process, and the agent as
 * users run it: the built binary, spawned with a config file.
 */
import { spawn } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Test } from 'tap';
import type { Simulator } from '../../src/simulator/index.js';
import { startTestSimulator } from './test-simulator.js';
import type { ServerSettings } from '../../src/server/settings.js';
import { CLI, cleanEnv, requireBuiltCli, runCli } from './run-cli.js';
import { simulatorConnection } from './scm-connection.js';
import { startTestServer, type TestServer } from './server-fixture.js';
import { engineCaller } from './vault-api.js';

export interface AgentRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface AgentWorld {
  sim: Simulator;
  server: TestServer;
  /** Enrolls under the `web` config over HTTP and returns the record. */
  enroll(fields: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** The stored record, without SCM (readcert). */
  storedRecord(id: string): Promise<Record<string, unknown>>;
}

export async function startAgentWorld(t: Test, settings: Partial<ServerSettings> = {}): Promise<AgentWorld> {
  requireBuiltCli();
  const sim = await startTestSimulator(t);
  const server = await startTestServer(t, settings);
  const engine = engineCaller(server.url, server.token);
  /** The reply's data; throws unless the server answered 2xx. */
  const call = async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const reply = await engine(method, path, body);
    if (reply.status < 200 || reply.status >= 300) throw new Error(`${method} ${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body === undefined ? {} : reply.body.data;
  };
  await call('PUT', 'configs/web', {
    ...simulatorConnection(sim),
    sectigo_config_type: 'ssl_cert',
    sectigo_ssl_cert_type: 2001,
    sectigo_ssl_cert_validity: 365,
    sectigo_loop_period: 0.1,
  });
  return {
    sim,
    server,
    enroll: (fields) => call('PUT', 'enroll/web', { sectigo_loop_period: 0.1, ...fields }),
    storedRecord: (id) => call('GET', `readcert/web/${id}`),
  };
}

/** Writes `config` as agent.json in `dir` and runs `scmpki agent -once` on it. */
export async function runAgentOnce(dir: string, config: unknown): Promise<AgentRun> {
  const file = join(dir, 'agent.json');
  await writeFile(file, JSON.stringify(config, null, 2));
  const { code, stdout, stderr } = await runCli(['agent', '-once', `-config=${file}`], { env: agentEnv(dir) });
  if (code === null) throw new Error(`agent -once was killed: ${stderr}`);
  return { code, signal: null, stdout, stderr };
}

/** Starts the long-running agent; `stop(signal)` sends the signal and resolves when it exited. */
export function startAgent(dir: string, file: string) {
  const child = spawn(process.execPath, [CLI, 'agent', `-config=${file}`], { env: cleanEnv(agentEnv(dir)), stdio: ['ignore', 'pipe', 'pipe'] });
  const run: AgentRun = { code: null, signal: null, stdout: '', stderr: '' };
  child.stdout.on('data', (chunk) => (run.stdout += chunk));
  child.stderr.on('data', (chunk) => (run.stderr += chunk));
  const exited = new Promise<AgentRun>((resolve) =>
    child.on('close', (code, signal) => resolve(Object.assign(run, { code, signal }))),
  );
  return {
    run,
    /** Resolves once stdout holds `count` log lines with this message. */
    async waitForLogs(message: string, count: number): Promise<Array<Record<string, unknown>>> {
      for (;;) {
        const lines = logLines(run.stdout).filter((line) => line.msg === message);
        if (lines.length >= count) return lines;
        if (run.code !== null || run.signal !== null) throw new Error(`agent exited early: ${run.stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    stop(signal: NodeJS.Signals): Promise<AgentRun> {
      child.kill(signal);
      return exited;
    },
  };
}

/** No ~/.vault-token and no VAULT_* from the developer's shell leak into the agent. */
function agentEnv(dir: string) {
  return { HOME: dir };
}

export function logLines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Content and mtime of each file, to prove a run wrote nothing. */
export async function snapshot(files: string[]): Promise<Array<{ content: string; mtimeMs: number; ino: number }>> {
  return Promise.all(
    files.map(async (file) => {
      const info = await stat(file);
      return { content: await readFile(file, 'utf8'), mtimeMs: info.mtimeMs, ino: info.ino };
    }),
  );
}

export async function countLines(file: string): Promise<number> {
  try {
    return (await readFile(file, 'utf8')).split('\n').filter(Boolean).length;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
}
