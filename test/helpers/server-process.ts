/**
 * The server as operators run it: the built binary (`scmpki server
 * -config=FILE`) in its own process, so a test can kill -9 it and start it
 * again on the same data dir.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Test } from 'tap';
import { CLI, cleanEnv } from './run-cli.js';
import { storageSettingsFor } from './test-storage.js';

export interface ServerProcess {
  url: string;
  /** Printed only by the first start on a data dir. */
  rootToken?: string;
  /** Everything the process wrote to stdout so far. */
  output(): string;
  /** Sends the signal and resolves once the process is gone. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** Sends a signal the server survives (SIGHUP). */
  signal(signal: NodeJS.Signals): Promise<void>;
}

/** Starts `scmpki server` on 127.0.0.1:0 with its storage and seal key in `dataDir`; killed at teardown. */
export async function startServerProcess(t: Test, dataDir: string, settings: Record<string, unknown> = {}): Promise<ServerProcess> {
  const file = join(dataDir, 'server.json');
  await writeFile(
    file,
    JSON.stringify({ listen_address: '127.0.0.1:0', ...(await storageSettingsFor(dataDir)), seal_key_file: join(dataDir, 'seal.key'), ...settings }),
  );
  const child = spawn(process.execPath, [CLI, 'server', `-config=${file}`], {
    env: cleanEnv({ HOME: dataDir }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    return exited;
  });
  const url = await new Promise<string>((resolve, reject) => {
    const poll = setInterval(() => {
      const listening = /scmpki listening on (\S+)/.exec(stdout);
      if (listening) resolve(listening[1]);
      else if (child.exitCode !== null) reject(new Error(`server exited: ${stderr}`));
      else return;
      clearInterval(poll);
    }, 50);
  });
  return {
    url,
    rootToken: /Root token[^\n]*\n\n\s+(\S+)/.exec(stdout)?.[1],
    output: () => stdout,
    kill(signal) {
      child.kill(signal);
      return exited;
    },
    async signal(signal) {
      child.kill(signal);
    },
  };
}
