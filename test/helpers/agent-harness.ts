/**
 * A real SCM simulator and a real scmpki server in-process, and the agent as
 * users run it: the built binary, spawned with a config file.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Test } from 'tap';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import type { ServerSettings } from '../../src/server/settings.js';
import { simulatorConnection } from './scm-connection.js';
import { startTestServer, type TestServer } from './server-fixture.js';

export const AGENT_BINARY = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

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
  if (!existsSync(AGENT_BINARY)) throw new Error(`${AGENT_BINARY} is missing: run "npm run build" (npm test does) first`);
  const sim = await startSimulator({ issueDelayMs: 0 });
  t.teardown(() => sim.close());
  const server = await startTestServer(t, settings);
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.url}/v1/${path}`, {
      method,
      headers: { 'X-Vault-Token': server.token, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return text ? ((JSON.parse(text) as { data: Record<string, unknown> }).data) : {};
  };
  await call('PUT', 'sectigo-vault-pki/configs/web', {
    ...simulatorConnection(sim),
    sectigo_config_type: 'ssl_cert',
    sectigo_ssl_cert_type: 2001,
    sectigo_ssl_cert_validity: 365,
    sectigo_loop_period: 0.1,
  });
  return {
    sim,
    server,
    enroll: (fields) => call('PUT', 'sectigo-vault-pki/enroll/web', { sectigo_loop_period: 0.1, ...fields }),
    storedRecord: (id) => call('GET', `sectigo-vault-pki/readcert/web/${id}`),
  };
}

/** Writes `config` as agent.json in `dir` and runs `scmpki agent -once` on it. */
export async function runAgentOnce(dir: string, config: unknown): Promise<AgentRun> {
  const file = join(dir, 'agent.json');
  await writeFile(file, JSON.stringify(config, null, 2));
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [AGENT_BINARY, 'agent', '-once', `-config=${file}`], {
      env: agentEnv(dir),
    });
    return { code: 0, signal: null, stdout, stderr };
  } catch (err) {
    const failed = err as { code?: number; signal?: NodeJS.Signals; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw err;
    return { code: failed.code, signal: failed.signal ?? null, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** Starts the long-running agent; `stop(signal)` sends the signal and resolves when it exited. */
export function startAgent(dir: string, file: string) {
  const child = spawn(process.execPath, [AGENT_BINARY, 'agent', `-config=${file}`], { env: agentEnv(dir), stdio: ['ignore', 'pipe', 'pipe'] });
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
function agentEnv(dir: string): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: dir };
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
