/**
 * Runs the shell examples of README.md and docs/*.md against a dev server, as
 * a reader would paste them into one terminal, so the docs cannot rot.
 *
 * - Every fenced block tagged `sh` (or `bash`, `shell`) runs, in document
 *   order, in one bash session per document (a variable set in one block is
 *   there in the next), with `set -euo pipefail`: a failing command fails the
 *   document and names the block.
 * - `curl` fails on an HTTP error status (`--fail-with-body`), so an example
 *   that gets a 4xx is caught too. A block that shows an error on purpose is
 *   preceded by `<!-- run: errors expected -->`.
 * - A block that cannot run here (a container engine, systemd, a real SCM, a
 *   second long-running server) is preceded by `<!-- not run: REASON -->`.
 * - A long document may start a new session where the examples below need
 *   nothing from above (`<!-- new session: REASON -->`): each session runs
 *   against its own dev server, and may be run by another test file.
 *
 * The session is what the docs assume after `npm run dev -- -dev-root-token-id=root`:
 * `scmpki` on PATH (the built CLI), VAULT_TOKEN=root, a fresh dev server with
 * its simulator, HOME and the working directory a fresh temp dir holding a
 * copy of `sample_json_data/`. Two substitutions, and only these: the dev
 * addresses `127.0.0.1:8200` and `127.0.0.1:8201` become the test server's and
 * simulator's free ports (in the examples and in the sample files they read);
 * and the simulator issues at once instead of after two seconds, so a
 * document runs in seconds.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Test } from 'tap';
import { createLogger } from '../../src/logging.js';
import { startDevServer } from '../../src/server/dev-mode.js';
import { REPO } from './repo-root.js';
import { CLI } from './run-cli.js';
import { tempDir } from './temp-dir.js';


export interface Example {
  file: string;
  line: number;
  code: string;
  /** Why it is not run, or undefined when it runs. */
  notRun?: string;
  errorsExpected: boolean;
  /** The session (1, 2, …) the block belongs to. */
  session: number;
}

const FENCE = /^(\s*)```(sh|bash|shell)\s*$/;

/** The shell blocks of one markdown file, with their markers. */
export async function examplesOf(file: string): Promise<Example[]> {
  const lines = (await readFile(join(REPO, file), 'utf8')).split('\n');
  const examples: Example[] = [];
  let session = 1;
  for (let i = 0; i < lines.length; i++) {
    if (/^<!-- new session: .+ -->$/.test(lines[i]!.trim())) session += 1;
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const indent = open[1]!.length;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*```\s*$/.test(lines[j]!); j++) body.push(lines[j]!.slice(indent));
    let k = i - 1;
    while (k >= 0 && lines[k]!.trim() === '') k--;
    const marker = k >= 0 ? lines[k]!.trim() : '';
    const notRun = /^<!-- not run: (.+) -->$/.exec(marker)?.[1];
    examples.push({ file, line: i + 1, code: body.join('\n'), notRun, errorsExpected: marker === '<!-- run: errors expected -->', session });
    i = j;
  }
  return examples;
}

/** README.md and every docs/*.md, in a fixed order. */
export async function documentedFiles(): Promise<string[]> {
  const docs = (await readdir(join(REPO, 'docs'))).filter((name) => name.endsWith('.md')).sort();
  return ['README.md', ...docs.map((name) => `docs/${name}`)];
}

export interface DocumentRun {
  code: number | null;
  output: string;
  ran: number;
}

/**
 * What one bash session runs: a document (its first session), or
 * `<document>#<n>` for its n-th session.
 */
export async function documentUnits(): Promise<string[]> {
  const units: string[] = [];
  for (const file of await documentedFiles()) {
    const sessions = new Set((await examplesOf(file)).map((example) => example.session));
    for (const session of [...sessions, 1].filter((n, i, all) => all.indexOf(n) === i).sort()) units.push(session === 1 ? file : `${file}#${session}`);
  }
  return units;
}

/** Runs one unit's examples in one bash session against a fresh dev server. */
export async function runDocument(t: Test, unit: string): Promise<DocumentRun> {
  const [file, session = '1'] = unit.split('#') as [string, string?];
  const examples = (await examplesOf(file)).filter((example) => example.notRun === undefined && example.session === Number(session));
  if (examples.length === 0) return { code: 0, output: '', ran: 0 };

  const dev = await startDevServer({
    listenAddress: '127.0.0.1:0',
    scmAddress: '127.0.0.1:0',
    rootTokenId: 'root',
    // Examples raise the level through sys/loggers: what it then logs is not the test's output.
    logger: createLogger({ level: 'silent', destination: { write: () => {} } }),
  });
  t.teardown(() => dev.close());
  const settings = await fetch(`${dev.scmUrl}/__simulator/settings`, { method: 'PUT', body: JSON.stringify({ issueDelayMs: 0 }) });
  if (!settings.ok) throw new Error(`simulator settings: ${settings.status}`);

  const home = await tempDir(t, 'docs-home');
  const bin = join(home, '.bin');
  await shim(bin, 'scmpki', `exec "${process.execPath}" "${CLI}" "$@"`);
  // An example that already says -f / --fail keeps it (curl refuses both kinds of fail at once).
  await shim(
    bin,
    'curl',
    [
      'if [ -n "${DOCS_ERRORS_EXPECTED:-}" ]; then exec /usr/bin/curl "$@"; fi',
      'for arg in "$@"; do case "$arg" in --fail*|-[A-Za-z]*f*) exec /usr/bin/curl "$@" ;; esac; done',
      'exec /usr/bin/curl --fail-with-body "$@"',
    ].join('\n'),
  );

  const serverAddress = new URL(dev.server.url).host;
  const scmAddress = new URL(dev.scmUrl).host;
  const substitute = (code: string) => code.replaceAll('127.0.0.1:8200', serverAddress).replaceAll('127.0.0.1:8201', scmAddress);
  await copySamples(join(REPO, 'sample_json_data'), join(home, 'sample_json_data'), substitute);
  const script = ['set -euo pipefail', 'shopt -s expand_aliases'];
  for (const example of examples) {
    script.push(`echo "--- ${example.file}:${example.line}" >&2`);
    if (example.errorsExpected) script.push('export DOCS_ERRORS_EXPECTED=1');
    script.push(substitute(example.code));
    if (example.errorsExpected) script.push('unset DOCS_ERRORS_EXPECTED');
  }
  const env = {
    PATH: `${bin}:${process.env.PATH}`,
    HOME: home,
    VAULT_ADDR: dev.server.url,
    VAULT_TOKEN: 'root',
  };
  const result = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn('bash', ['-c', script.join('\n')], { cwd: home, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
  return { ...result, ran: examples.length };
}

/** Copies the sample files with the dev addresses substituted, as the examples are. */
async function copySamples(from: string, to: string, substitute: (text: string) => string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    if (entry.isDirectory()) await copySamples(join(from, entry.name), join(to, entry.name), substitute);
    else await writeFile(join(to, entry.name), substitute(await readFile(join(from, entry.name), 'utf8')));
  }
}

async function shim(bin: string, name: string, body: string): Promise<void> {
  await mkdir(bin, { recursive: true });
  const path = join(bin, name);
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
}

/**
 * Which test file runs which documents, so each file stays short: the named
 * groups, and `other` for every document not named (a new doc lands there).
 */
const GROUPS: Record<string, string[]> = {
  readme: ['README.md'],
  api: ['docs/api.md'],
  'api-changes': ['docs/api.md#2'],
  'api-estate': ['docs/api.md#3'],
  clients: ['docs/cli.md', 'docs/approle.md'],
};

export async function documentsOf(group: string): Promise<string[]> {
  const named = Object.values(GROUPS).flat();
  const all = await documentUnits();
  return group === 'other' ? all.filter((unit) => !named.includes(unit)) : all.filter((unit) => GROUPS[group]?.includes(unit));
}

/** The test body every docs-examples test file runs for its group. */
export async function testDocumentGroup(t: Test, group: string): Promise<void> {
  for (const file of await documentsOf(group)) {
    t.test(file, async (t) => {
      const run = await runDocument(t, file);
      const failedAt = [...run.output.matchAll(/^--- (\S+)$/gm)].at(-1)?.[1];
      t.equal(run.code, 0, run.code === 0 ? `${run.ran} examples ran` : `the example at ${failedAt} failed:\n${run.output.slice(-3000)}`);
    });
  }
}
