import { spawn } from 'node:child_process';

/** Runs the real openssl binary with `input` on stdin (in `cwd` if given); resolves with exit code and output. */
export function openssl(args: string[], input = '', options: { cwd?: string; env?: Record<string, string> } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'], cwd: options.cwd, env: options.env && { ...process.env, ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    // openssl may exit before reading stdin (e.g. genpkey); that is not a failure.
    child.stdin.on('error', () => {});
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}
