/**
 * Keys are generated and requests signed in a small pool of worker threads.
 * Not on the event loop, where an RSA 4096 key stalls every request for
 * seconds; and not through node's async keygen either, which runs on libuv's
 * four-thread pool: storage (LevelDB) reads queue there too, and fifty RSA
 * 4096 keygens held every read back for seconds.
 *
 * The pool is started on first use, its threads end after a minute idle and
 * never keep a process alive (piscina unrefs idle workers), so a script or a
 * test that made one key still exits; a server closes it on shutdown.
 */
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { csrContent } from './csr-request.js';
import type { CsrSubject } from './csr-subject.js';
import { PkiInputError } from './input-error.js';
import { describeKeySpec, type KeySpec } from './key-spec.js';
import { rememberKeyPair } from './key-match.js';
import type { GeneratedKey } from './keys.js';
import type { generate, generateWithCsr, sign } from './key-worker.js';

// The worker is this module's sibling with this module's extension: `.ts`
// under tsx (tests, `npm run dev`), `.js` in dist/.
const OWN_EXTENSION = extname(fileURLToPath(import.meta.url));
const WORKER_FILE = new URL(`./key-worker${OWN_EXTENSION}`, import.meta.url).href;

// On node 20, tsx's loader hooks reach the main thread only, so a worker
// started from TypeScript source registers them itself before piscina imports
// the worker file; that is all it is given (the parent's own flags, such as
// `--input-type` of a `node -e` script, would misdirect tsx in the worker).
// Compiled code (dist/) inherits the parent's flags and never loads tsx.
function workerExecArgv(): string[] | undefined {
  if (OWN_EXTENSION !== '.ts') return undefined;
  const registerTsx = `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))}; register();`;
  return [`--import=data:text/javascript,${encodeURIComponent(registerTsx)}`];
}

let pool: Piscina | undefined;
let inFlight = new Set<Promise<unknown>>();

function keyPool(): Piscina {
  pool ??= new Piscina({
    filename: WORKER_FILE,
    execArgv: workerExecArgv(),
    // One thread per core: key generation is pure CPU, more threads only take turns.
    maxThreads: availableParallelism(),
    minThreads: 0,
    idleTimeout: 60_000,
    // The queue is not bounded: a burst of enrolls waits its turn rather than failing.
  });
  return pool;
}

/** The worker's exported task functions, which piscina calls by name. */
type Tasks = { generate: typeof generate; generateWithCsr: typeof generateWithCsr; sign: typeof sign };

/** One finished task: which, for which kind of key (`RSA 2048`; empty for `sign`), and how long it took with its wait for a thread. */
export interface KeyTaskEvent {
  task: keyof Tasks;
  key: string;
  seconds: number;
}

/** Like the pool, these cover the process: every server in it hears every task. */
const taskListeners = new Set<(event: KeyTaskEvent) => void>();

/** Calls `listener` after each key task; returns the function that stops it. */
export function onKeyTask(listener: (event: KeyTaskEvent) => void): () => void {
  taskListeners.add(listener);
  return () => taskListeners.delete(listener);
}

function run<Name extends keyof Tasks>(name: Name, task: Parameters<Tasks[Name]>[0]): Promise<ReturnType<Tasks[Name]>> {
  const started = performance.now();
  const running: Promise<ReturnType<Tasks[Name]>> = keyPool().run(task, { name });
  const settled = () => {
    inFlight.delete(running);
    const event = { task: name, key: 'spec' in task ? describeKeySpec(task.spec) : '', seconds: (performance.now() - started) / 1000 };
    for (const listener of taskListeners) listener(event);
  };
  inFlight.add(running);
  running.then(settled, settled);
  return running;
}

/** Tasks waiting for a free worker thread. */
export function keyPoolQueueSize(): number {
  return pool?.queueSize ?? 0;
}

/**
 * Lets queued and running work finish, then ends the threads; a later call
 * starts a new pool. Waits itself because piscina's close ends workers that
 * are still starting and fails the tasks queued for them.
 */
export async function closeKeyPool(): Promise<void> {
  const closing = pool;
  const pending = inFlight;
  pool = undefined;
  inFlight = new Set();
  await Promise.allSettled(pending);
  await closing?.close();
}

/** A key just made, remembered for the check of the certificate issued for it (key-match.ts). */
function remembered<Made extends { privateKeyPem: string; publicKeyPem: string }>(spec: KeySpec, made: Made): Made & { spec: KeySpec } {
  rememberKeyPair(made.privateKeyPem, made.publicKeyPem);
  return { spec, ...made };
}

export async function generateKeyPair(spec: KeySpec): Promise<GeneratedKey> {
  return remembered(spec, await run('generate', { spec }));
}

export interface CsrRequest {
  subject: CsrSubject & { commonName: string };
  /** DNS names, IP addresses and email addresses; each gets its own GeneralName type. */
  subjectAltNames?: readonly string[];
}

/** A new key and a request signed by it, made in one worker task. Bad subject or SAN input is a PkiInputError. */
export async function generateKeyAndCsr(spec: KeySpec, request: CsrRequest): Promise<GeneratedKey & { csr: string }> {
  const content = csrContent(request.subject, request.subjectAltNames ?? []);
  return remembered(spec, await run('generateWithCsr', { spec, csr: content }));
}

export interface BuildCsrInput extends CsrRequest {
  privateKeyPem: string;
}

/**
 * A PKCS#10 request signed by `privateKeyPem` (RSA: SHA-256; EC: the curve's
 * hash). Bad subject, SAN or key input is a PkiInputError.
 */
export async function buildCsr(input: BuildCsrInput): Promise<string> {
  const content = csrContent(input.subject, input.subjectAltNames ?? []);
  const result = await run('sign', { privateKeyPem: input.privateKeyPem, csr: content });
  if ('rejected' in result) throw new PkiInputError(result.rejected.input, result.rejected.problem);
  return result.csr;
}
