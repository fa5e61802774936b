/**
 * Runs the CLI two ways, each with an environment built from scratch so the
 * developer's own VAULT_* and ~/.vault-token never leak into a test:
 * - `runCli` spawns the BUILT binary (dist/cli/main.js) as a user would, for
 *   tests where the process boundary matters (exit codes, TTYs, signals):
 *   `npm test` builds it first (pretest); when running one file by hand,
 *   `npm run build` first;
 * - `runCliInProcess` calls the same command table in this process, for tests
 *   about what a command sends and prints, where a spawn only adds start-up time.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env: Record<string, string | undefined>;
  stdin?: string;
}

/** Throws, saying what to do, when the binary has not been built. */
export function requireBuiltCli(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" before these tests`);
}

/** Only PATH from this process, then `env`: no VAULT_* or HOME of the developer's. */
export function cleanEnv(env: CliOptions['env']): NodeJS.ProcessEnv {
  requireBuiltCli();
  return { PATH: process.env.PATH, ...env };
}

/** Fields as the vault CLI's `key=value` arguments. */
export function keyValueArgs(fields: Record<string, string | number | boolean>): string[] {
  return Object.entries(fields).map(([key, value]) => `${key}=${value}`);
}

export function runCli(args: string[], options: CliOptions): Promise<CliResult> {
  return runProcess(process.execPath, [CLI, ...args], cleanEnv(options.env), options.stdin);
}

/** The command table of the binary, run in this process with captured output. */
export async function runCliInProcess(args: string[], options: CliOptions): Promise<CliResult> {
  const { runCli: run } = await import('../../src/cli/cli.js');
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { PATH: process.env.PATH, ...options.env },
    readStdin: async () => options.stdin ?? '',
  });
  return { code, stdout, stderr };
}

/**
 * The same command under a pseudo-terminal (`script` from util-linux), so stdout
 * and stderr are TTYs, sized 100x40 as a terminal window would be.
 */
export function runCliInTerminal(args: string[], options: CliOptions): Promise<CliResult> {
  const command = `stty cols 100 rows 40; ${[process.execPath, CLI, ...args].map(shellQuote).join(' ')}`;
  return runProcess('script', ['-qfec', command, '/dev/null'], cleanEnv(options.env), options.stdin);
}

function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

function runProcess(file: string, args: string[], env: NodeJS.ProcessEnv, stdin = ''): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}
