/**
 * The service's reload hook (`systemctl reload nginx`), run through the
 * shell like a cron line so pipes and `&&` work. It gets a time limit: a hung
 * reload must not stall the renewal of every other certificate.
 */
import { spawn } from 'node:child_process';

export interface ReloadOutcome {
  ok: boolean;
  /** Exit code, or the signal that ended it (e.g. SIGKILL after the time limit). */
  exit: number | string;
  /** The tail of stdout+stderr, for the log. */
  output: string;
}

const OUTPUT_TAIL = 2000;

export function runReloadCommand(command: string, timeoutMs: number, env: NodeJS.ProcessEnv): Promise<ReloadOutcome> {
  return new Promise((resolve) => {
    const child = spawn(command, { shell: true, stdio: ['ignore', 'pipe', 'pipe'], env, timeout: timeoutMs, killSignal: 'SIGKILL' });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (err) => resolve({ ok: false, exit: 'spawn-error', output: err.message }));
    child.on('close', (code, signal) => resolve({ ok: code === 0, exit: code ?? signal ?? 'unknown', output: output.trim() }));
  });
}
