/**
 * Runs docker-compose.yml's services as processes on this machine, the way
 * their containers would run them, for a machine without a container engine:
 *
 * - the image is this repository: the Dockerfile's ENTRYPOINT with `/app`
 *   (its WORKDIR) mapped to the checkout, `node` to this Node.js;
 * - each named volume is a temp dir, shared by every service that mounts it;
 * - each service's network name is 127.0.0.1 and each published container
 *   port a free local port (containers have a network each; processes share one);
 * - services start in `depends_on` order, waiting for each condition
 *   (`service_healthy`: the healthcheck's command exits 0;
 *   `service_completed_successfully`: the process exits 0).
 *
 * Everything else in a service (command, environment, healthcheck) is used
 * exactly as written, after those substitutions.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Test } from 'tap';
import YAML from 'yaml';
import { REPO } from './repo-root.js';
import { tempDir } from './temp-dir.js';
import { sleep } from './wait-for.js';


export interface ComposeService {
  build?: string;
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  restart?: string;
  profiles?: string[];
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

export async function readComposeFile(): Promise<ComposeFile> {
  return YAML.parse(await readFile(`${REPO}/docker-compose.yml`, 'utf8')) as ComposeFile;
}

/** The Dockerfile's final ENTRYPOINT (exec form) and WORKDIR. */
export async function readImage(): Promise<{ entrypoint: string[]; workdir: string }> {
  const dockerfile = await readFile(`${REPO}/Dockerfile`, 'utf8');
  const entrypoints = [...dockerfile.matchAll(/^ENTRYPOINT\s+(\[.*\])\s*$/gm)];
  const workdirs = [...dockerfile.matchAll(/^WORKDIR\s+(\S+)\s*$/gm)];
  if (entrypoints.length === 0 || workdirs.length === 0) throw new Error('Dockerfile: no ENTRYPOINT in exec form or no WORKDIR');
  return { entrypoint: JSON.parse(entrypoints.at(-1)![1]!) as string[], workdir: workdirs.at(-1)![1]! };
}

/** Services of the default profile, each after everything it depends on. */
export function startOrder(compose: ComposeFile): string[] {
  const order: string[] = [];
  const visit = (name: string, path: string[]) => {
    if (order.includes(name)) return;
    if (path.includes(name)) throw new Error(`depends_on cycle: ${[...path, name].join(' → ')}`);
    const service = compose.services[name];
    if (!service) throw new Error(`depends_on names an unknown service "${name}"`);
    for (const dependency of Object.keys(service.depends_on ?? {})) visit(dependency, [...path, name]);
    order.push(name);
  };
  for (const [name, service] of Object.entries(compose.services)) if (!service.profiles) visit(name, []);
  return order;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface RunningStack {
  /** The local port a service's published container port became. */
  port(containerPort: number): number;
  /** The temp dir a named volume became. */
  volume(name: string): string;
  /** A service's process exit code once it has exited (one-shot services). */
  exitCode(service: string): number | null | undefined;
  output(service: string): string;
}

export async function runComposeStack(t: Test, compose: ComposeFile): Promise<RunningStack> {
  const image = await readImage();
  const volumes = new Map<string, string>();
  for (const name of Object.keys(compose.volumes ?? {})) volumes.set(name, await tempDir(t, `volume-${name}`));
  const ports = new Map<number, number>();
  for (const service of Object.values(compose.services)) {
    for (const published of service.ports ?? []) {
      const containerPort = Number(published.split(':').at(-1));
      if (!ports.has(containerPort)) ports.set(containerPort, await freePort());
    }
  }
  const hosts = Object.keys(compose.services);

  const substitute = (mounts: Map<string, string>) => (text: string) => {
    let out = text;
    for (const [target, dir] of mounts) out = out.split(target).join(dir);
    out = out.split(image.workdir).join(REPO);
    for (const host of [...hosts, '0.0.0.0']) out = out.replace(new RegExp(`(^|//|=)${host.replace(/\./g, '\\.')}(?=:)`, 'g'), '$1127.0.0.1');
    for (const [containerPort, port] of ports) out = out.replace(new RegExp(`:${containerPort}\\b`, 'g'), `:${port}`);
    return out;
  };
  const program = (argv: string[]) => (argv[0] === 'node' ? [process.execPath, ...argv.slice(1)] : argv);

  const children = new Map<string, { child: ChildProcess; output: string; exit?: number | null }>();
  t.teardown(async () => {
    for (const { child, exit } of children.values()) {
      if (exit !== undefined) continue;
      const gone = new Promise((resolve) => child.once('close', resolve));
      child.kill('SIGTERM');
      await gone;
    }
  });

  for (const name of startOrder(compose)) {
    const service = compose.services[name]!;
    if (service.build !== '.') throw new Error(`service ${name}: only services built from this repository can run as processes`);
    for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
      if (condition === 'service_completed_successfully' && children.get(dependency)?.exit !== 0) {
        throw new Error(`${name} depends on ${dependency} completing successfully`);
      }
    }
    const mounts = new Map<string, string>();
    for (const spec of service.volumes ?? []) {
      const [source, target] = spec.split(':') as [string, string];
      const dir = volumes.get(source);
      if (!dir) throw new Error(`service ${name}: volume "${source}" is not declared under volumes:`);
      mounts.set(target, dir);
    }
    const mapped = substitute(mounts);
    const env = Object.fromEntries(Object.entries(service.environment ?? {}).map(([key, value]) => [key, mapped(String(value))]));
    const [file, ...args] = program([...image.entrypoint, ...(service.command ?? [])].map(mapped));
    const child = spawn(file!, args, { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const entry: { child: ChildProcess; output: string; exit?: number | null } = { child, output: '' };
    child.stdout!.on('data', (chunk) => (entry.output += chunk));
    child.stderr!.on('data', (chunk) => (entry.output += chunk));
    child.once('close', (code) => (entry.exit = code));
    children.set(name, entry);

    if (service.healthcheck) {
      const [kind, ...check] = service.healthcheck.test;
      if (kind !== 'CMD') throw new Error(`service ${name}: healthcheck must use the exec form ["CMD", …]`);
      await waitHealthy(name, program(check.map(mapped)), entry);
    }
  }
  // One-shot services (restart: "no") run to completion before the stack is "up".
  for (const [name, service] of Object.entries(compose.services)) {
    const entry = children.get(name);
    if (service.restart === 'no' && entry) while (entry.exit === undefined) await sleep(100);
  }

  return {
    port: (containerPort) => ports.get(containerPort)!,
    volume: (name) => volumes.get(name)!,
    exitCode: (service) => children.get(service)?.exit,
    output: (service) => children.get(service)?.output ?? '',
  };
}

async function waitHealthy(name: string, check: string[], service: { output: string; exit?: number | null }): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (service.exit !== undefined) throw new Error(`service ${name} exited (${service.exit}) before it was healthy:\n${service.output}`);
    const code = await new Promise<number | null>((resolve) => {
      const probe = spawn(check[0]!, check.slice(1), { stdio: 'ignore' });
      probe.once('close', resolve);
    });
    if (code === 0) return;
    await sleep(100);
  }
  throw new Error(`service ${name} never became healthy:\n${service.output}`);
}
