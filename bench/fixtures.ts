/**
 * What the process-level benchmarks share: the built scmpki server, the SCM
 * simulator and a bare node:http server, each as its own child process on a
 * free loopback port; the demo config; enrolls; and a process's CPU time.
 *
 * Every process is started with port 0 and announces its address on stdout,
 * so no port is guessed and none can be taken between choosing and binding.
 * The runner calls stopAll() after each benchmark, so a benchmark that throws
 * leaves nothing running.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

/** `npm run bench` builds first (prebench): the server runs as users run it. */
const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const MOUNT = 'sectigo-vault-pki';
const ANNOUNCE_TIMEOUT_MS = 30_000;

export interface RunningProcess {
  pid: number;
  /** What the process printed for each pattern it was started with (the first capture group). */
  announced: Record<string, string>;
  /** Milliseconds from spawn to the first 200 from its readiness URL. */
  startupMs: number;
  /** Milliseconds of CPU (user + system) the process has used since it started. */
  cpuMs(): number;
  /** SIGTERM, then SIGKILL after 5 s; resolves once it has exited. */
  stop(): Promise<void>;
}

const running = new Set<RunningProcess>();

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((spawned) => spawned.stop()));
}

// /proc/<pid>/stat counts in clock ticks; CLK_TCK is 100 on every common Linux.
let clockTicksPerSecond: number | undefined;

function processCpuMs(pid: number): number {
  clockTicksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [utime, stime] = [Number(fields[11]), Number(fields[12])];
  return ((utime + stime) * 1000) / clockTicksPerSecond;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * BENCH_NODE_ARGS: node options for every process a benchmark spawns, to
 * profile them as they run (`--cpu-prof --cpu-prof-dir=DIR`; node refuses
 * those in NODE_OPTIONS).
 */
function profilingArgs(): string[] {
  return (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
}

/**
 * Spawns `node ...args`, waits until every pattern has matched a stdout line,
 * then until readyUrl(announced) answers 200. stdout keeps being read
 * afterwards (the server logs every request there, and a full pipe would
 * stall it); the last lines of both streams are kept to explain a process
 * that dies before announcing itself.
 */
async function spawnNode(
  args: string[],
  patterns: Record<string, RegExp>,
  readyUrl: (announced: Record<string, string>) => string,
  options: { env?: NodeJS.ProcessEnv; cleanup?: () => Promise<void> } = {},
): Promise<RunningProcess> {
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [...profilingArgs(), ...args], { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  const remember = (line: string) => {
    tail.push(line);
    if (tail.length > 20) tail.shift();
  };
  createInterface({ input: child.stderr! }).on('line', remember);

  const announced: Record<string, string> = {};
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')}: nothing announced within ${ANNOUNCE_TIMEOUT_MS} ms`)), ANNOUNCE_TIMEOUT_MS);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      remember(line);
      for (const [name, pattern] of Object.entries(patterns)) {
        const match = pattern.exec(line);
        if (match && !(name in announced)) announced[name] = match[1]!;
      }
      if (Object.keys(announced).length === Object.keys(patterns).length) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited (${signal ?? code}) before it was ready:\n${tail.join('\n')}`));
    });
    child.once('error', reject);
  });

  const handle: RunningProcess = {
    pid: child.pid!,
    announced,
    startupMs: Number.NaN,
    cpuMs: () => processCpuMs(child.pid!),
    async stop() {
      running.delete(handle);
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited(child);
      clearTimeout(killer);
      await options.cleanup?.();
    },
  };
  running.add(handle);
  await ready;
  await waitFor200(readyUrl(announced));
  handle.startupMs = performance.now() - spawnedAt;
  return handle;
}

/** Polls until the URL answers 200 (a refused connection counts as "not yet"). */
async function waitFor200(url: string, timeoutMs = ANNOUNCE_TIMEOUT_MS): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
    await sleep(2);
  }
}

export interface SimulatorProcess extends RunningProcess {
  url: string;
  orgId: number;
}

/** `scmpki scm-simulator` in memory, demo credentials; issueDelay is a Go duration ("0s", "2s"). */
export async function startSimulator(issueDelay: string): Promise<SimulatorProcess> {
  const spawned = await spawnNode(
    [CLI, 'scm-simulator', '-listen=127.0.0.1:0', `-issue-delay=${issueDelay}`],
    { url: /^\s+Controls:\s+(\S+)\/__simulator\/settings/, orgId: /^\s+Default orgId:\s+(\d+)/ },
    ({ url }) => `${url}/__simulator/settings`,
  );
  return { ...spawned, url: spawned.announced.url!, orgId: Number(spawned.announced.orgId) };
}

export interface ScmpkiProcess extends RunningProcess {
  url: string;
  rootToken: string;
  /** Another server started on it shares the storage and seal key (a replica, on PostgreSQL). */
  configFile: string;
  /** The full URL of an engine path: `engineUrl('certs/demo/abc')`. */
  engineUrl(path: string): string;
  /** One Vault API call as root on an engine path: `call('GET', 'certs/demo/abc')`. */
  call(method: string, path: string, body?: unknown): Promise<VaultResponse>;
}

export interface VaultResponse {
  data?: Record<string, unknown>;
}

/** A data directory filled beforehand (estate.bench.ts): its config file and a root token it holds. */
export interface PreparedDataDir {
  configFile: string;
  rootToken: string;
}

/** The config file of a server whose storage and seal key live in `dir` (`settings`: another storage backend). */
export async function writeServerConfig(dir: string, settings: Record<string, unknown> = {}): Promise<string> {
  const configFile = join(dir, 'scmpki.json');
  await writeFile(
    configFile,
    JSON.stringify({ listen_address: '127.0.0.1:0', storage_path: join(dir, 'data'), seal_key_file: join(dir, 'seal.key'), ...settings }),
  );
  return configFile;
}

/**
 * `scmpki server -config F` on a fresh data directory (or a prepared one),
 * with the defaults a user gets (log level info included: logging every
 * request is part of the cost of a request). The first start of a data
 * directory prints the root token once; that is how the benchmark gets it.
 */
export async function startScmpki(prepared?: PreparedDataDir, settings: Record<string, unknown> = {}): Promise<ScmpkiProcess> {
  const dir = prepared ? undefined : await mkdtemp(join(tmpdir(), 'scmpki-bench-'));
  const configFile = prepared?.configFile ?? (await writeServerConfig(dir!, settings));
  const spawned = await spawnNode(
    [CLI, 'server', `-config=${configFile}`],
    prepared ? { url: /^scmpki listening on (\S+)/ } : { rootToken: /^\s+(hvs\.\S+)\s*$/, url: /^scmpki listening on (\S+)/ },
    // A replica that does not lead background work serves all the same (docs/ha.md).
    ({ url }) => `${url}/v1/sys/health?standbyok=true`,
    { cleanup: dir ? () => rm(dir, { recursive: true, force: true }) : undefined },
  );
  const url = spawned.announced.url!;
  const rootToken = prepared?.rootToken ?? spawned.announced.rootToken!;
  const engineUrl = (path: string) => `${url}/v1/${MOUNT}/${path}`;
  return {
    ...spawned,
    url,
    rootToken,
    configFile,
    engineUrl,
    async call(method, path, body) {
      const response = await fetch(engineUrl(path), {
        method,
        headers: { 'x-vault-token': rootToken, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
      return text === '' ? {} : (JSON.parse(text) as VaultResponse);
    },
  };
}

/** `configs/demo` as `server -dev` writes it: SSL profile 2001 (every key type), 365 days, the simulator's demo login. */
export function demoConfigFields(simulator: { url: string; orgId: number }): Record<string, unknown> {
  return {
    sectigo_cm_base_url: simulator.url,
    sectigo_cm_user: 'demo',
    sectigo_cm_password: 'demo',
    sectigo_cm_uri: 'demo',
    sectigo_cm_org_id: simulator.orgId,
    sectigo_config_type: 'ssl_cert',
    sectigo_ssl_cert_type: 2001,
    sectigo_ssl_cert_validity: 365,
  };
}

export async function createDemoConfig(server: ScmpkiProcess, simulator: SimulatorProcess): Promise<void> {
  await server.call('PUT', 'configs/demo', demoConfigFields(simulator));
}

export interface DemoSetup {
  server: ScmpkiProcess;
  simulator: SimulatorProcess;
}

/** The simulator in its own process, the server (with `settings` over the defaults), and configs/demo pointing at it. */
export async function startServerWithSimulator(issueDelay: string, settings: Record<string, unknown> = {}): Promise<DemoSetup> {
  const simulator = await startSimulator(issueDelay);
  const server = await startScmpki(undefined, settings);
  await createDemoConfig(server, simulator);
  return { server, simulator };
}

export interface EnrolledRecord {
  id: string;
  status: string;
}

export function recordStatus(response: VaultResponse): EnrolledRecord {
  const data = response.data as { cert_unique_id: string; state: Array<{ status: string }> };
  return { id: data.cert_unique_id, status: data.state.at(-1)!.status };
}

/**
 * One enroll on configs/demo. Auto-renew off: a read of the record must be a
 * plain read, never a renewal.
 */
export async function enroll(server: ScmpkiProcess, domain: string, key: { algo: 'RSA' | 'EC'; size: string }): Promise<EnrolledRecord> {
  const response = await server.call('POST', 'enroll/demo', {
    sectigo_csr_domain: domain,
    sectigo_csr_key_algo: key.algo,
    sectigo_csr_key_size: key.size,
    sectigo_auto_renew: false,
  });
  return recordStatus(response);
}

/**
 * `count` EC P-256 certificates, enrolled one after another and Issued (the
 * simulator must run with issue delay 0): the records the read benchmarks read.
 * Returns their engine paths, `certs/demo/<id>`.
 */
export async function enrollIssuedCertificates(server: ScmpkiProcess, count: number): Promise<string[]> {
  const paths: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const record = await enroll(server, `read-${i}.bench.example.com`, { algo: 'EC', size: 'P-256' });
    if (record.status !== 'Issued') throw new Error(`enroll of read-${i} answered ${record.status}; the read benchmarks need Issued records`);
    paths.push(`certs/demo/${record.id}`);
  }
  return paths;
}

export interface Load {
  /** Rejects if any request failed, timed out or answered other than 2xx. */
  result: Promise<autocannon.Result>;
  /** Ends a load started with a long duration (the result then resolves). */
  stop(): void;
}

/**
 * autocannon GETs of engine paths (cycled per connection) with the root
 * token, against the server or, for a baseline, against any URL answering
 * the same bytes. A figure from failing requests would flatter, so any
 * failure fails the benchmark.
 */
export function startLoad(
  baseUrl: string,
  options: { paths: string[]; token: string; connections: number; durationSeconds: number; timeoutSeconds?: number },
): Load {
  let instance: autocannon.Instance | undefined;
  const result = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        url: baseUrl,
        connections: options.connections,
        duration: options.durationSeconds,
        timeout: options.timeoutSeconds ?? 10, // autocannon's own default
        headers: { 'x-vault-token': options.token },
        requests: options.paths.map((path) => ({ method: 'GET', path: `/v1/${MOUNT}/${path}` })),
      },
      (err, done) => {
        if (err) return reject(err as Error);
        const failures = done.errors + done.timeouts + done.non2xx;
        if (failures > 0) return reject(new Error(`load on ${baseUrl}: ${done.errors} errors, ${done.timeouts} timeouts, ${done.non2xx} non-2xx answers`));
        resolve(done);
      },
    );
  });
  return { result, stop: () => instance!.stop() };
}

export interface BareServerProcess extends RunningProcess {
  url: string;
}

// CommonJS on purpose: `node -e` runs it as written, no loader, nothing but node:http.
const BARE_SERVER = `
const body = Buffer.from(process.env.BENCH_BODY);
require('node:http')
  .createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  })
  .listen(0, '127.0.0.1', function () { console.log('listening on http://127.0.0.1:' + this.address().port); });
`;

/** The floor for any HTTP figure: node:http answering every request with `body`, in its own process. */
export async function startBareServer(body = '{}'): Promise<BareServerProcess> {
  const spawned = await spawnNode(['-e', BARE_SERVER], { url: /^listening on (\S+)/ }, ({ url }) => url!, { env: { BENCH_BODY: body } });
  return { ...spawned, url: spawned.announced.url! };
}
