/**
 * A throwaway PostgreSQL cluster: `initdb` into a temp dir, the server on a
 * free 127.0.0.1 port (and a Unix socket in the same dir), removed at the end.
 * No test uses a server the suite did not start.
 *
 * `initdb` costs seconds, so the PostgreSQL pass of `npm test`
 * (run-postgresql-pass.ts) starts one cluster and hands its URL to every test
 * file in SCMPKI_TEST_POSTGRES_URL; each file then makes its own databases
 * (test-storage.ts, a CREATE DATABASE). A file run on its own starts a
 * cluster for its process. A test that stops PostgreSQL starts a private
 * cluster. (No tap here: the pass runner imports this module.)
 *
 * initdb and postgres refuse to run as root: as root, they run as the
 * `postgres` user (runuser), in a temp dir that user owns.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PostgresCluster {
  /** `postgresql://postgres:<password>@127.0.0.1:<port>/<database>`. */
  url(database?: string): string;
  /** A new, empty database; its URL. */
  createDatabase(): Promise<string>;
  /** PostgreSQL goes away (fast shutdown: open connections are cut). */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Stops the server and removes its directory. */
  destroy(): Promise<void>;
}

/** The directory of `initdb`: on PATH, else Debian's newest /usr/lib/postgresql/<version>/bin. */
export function postgresBinDir(): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const initdb = join(dir, 'initdb');
    if (dir !== '' && existsSync(initdb)) return dirname(realpathSync(initdb));
  }
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (newest === undefined) throw new Error('PostgreSQL binaries not found: install Debian\'s "postgresql" package (.ci/run does)');
  return join(root, newest, 'bin');
}

const asRoot = userInfo().uid === 0;

/** Runs a PostgreSQL server program, as the postgres user when we are root. */
async function pgProgram(name: string, args: string[]): Promise<void> {
  const binary = join(postgresBinDir(), name);
  const [command, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', binary, ...args]] : [binary, args];
  await run(command, argv, { timeout: 90_000 });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A new cluster, running. Call `destroy` when done. Tests run it with
 * durability off (fsync, synchronous commit); `durable` keeps PostgreSQL's
 * defaults, for a benchmark.
 */
export async function startPostgresCluster(options: { durable?: boolean } = {}): Promise<PostgresCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'scmpki-postgres-'));
  if (asRoot) await chown(dir, Number((await run('id', ['-u', 'postgres'])).stdout), Number((await run('id', ['-g', 'postgres'])).stdout));
  const password = randomBytes(12).toString('hex');
  const pwfile = join(dir, 'pwfile');
  await writeFile(pwfile, `${password}\n`, { mode: 0o644 });
  const data = join(dir, 'data');
  await pgProgram('initdb', ['-D', data, '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--auth-local=trust', '--auth-host=scram-sha-256', `--pwfile=${pwfile}`, '-N']);
  await rm(pwfile);
  let port = await freePort();
  const durability = options.durable ? '' : ' -c fsync=off -c synchronous_commit=off -c full_page_writes=off';
  const serverOptions = () => `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c max_connections=300${durability}`;
  const start = () => pgProgram('pg_ctl', ['-D', data, '-l', join(dir, 'postgres.log'), '-o', serverOptions(), '-w', '-t', '60', 'start']);
  try {
    await start();
  } catch {
    port = await freePort(); // another process took the port between the probe and the start
    await start();
  }
  const url = (database = 'postgres') => `postgresql://postgres:${password}@127.0.0.1:${port}/${database}`;
  const stop = () => pgProgram('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  return {
    url,
    createDatabase: () => createDatabaseIn(url()),
    stop,
    start,
    async destroy() {
      await pgProgram('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** CREATE DATABASE through the cluster's `postgres` database at `adminUrl`; the new database's URL. */
export async function createDatabaseIn(adminUrl: string): Promise<string> {
  const name = `scmpki_test_${randomBytes(6).toString('hex')}`;
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
