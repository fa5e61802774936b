import { startPostgresCluster } from '../test/helpers/postgres-cluster.js';
import { enroll, enrollIssuedCertificates, startLoad, startServerWithSimulator, stopAll, type ScmpkiProcess } from './fixtures.js';
import { defineBenchmark } from './harness.js';

const CONNECTIONS = 64;
const CERTIFICATES = 4;
const WARMUP_SECONDS = 2;
// Rounds alternate which backend goes first, so load drifting on a shared
// machine does not land on one side of the ratio.
const ROUNDS = 2;
const ROUND_SECONDS = 5;

function enrollCount(): number {
  const text = process.env.BENCH_STORAGE_ENROLLS ?? '100';
  const count = Number(text);
  if (!Number.isInteger(count) || count < 1) throw new Error(`BENCH_STORAGE_ENROLLS must be a positive integer, not "${text}"`);
  return count;
}

interface Side {
  label: string;
  server: ScmpkiProcess;
  paths: string[];
  requests: number;
  seconds: number;
  enrollWallMs: number;
  enrollCpuMs: number;
}

/** `count` concurrent EC P-256 enrolls, issued at once by the simulator: wall time and the server's CPU. */
async function enrollBurst(side: Side, count: number, round: number): Promise<void> {
  const cpuBefore = side.server.cpuMs();
  const started = performance.now();
  const records = await Promise.all(Array.from({ length: count }, (_, i) => enroll(side.server, `burst-${round}-${i}.bench.example.com`, { algo: 'EC', size: 'P-256' })));
  side.enrollWallMs += performance.now() - started;
  side.enrollCpuMs += side.server.cpuMs() - cpuBefore;
  const pending = records.filter((record) => record.status !== 'Issued');
  if (pending.length > 0) throw new Error(`${side.label}: ${pending.length} enrolls answered before Issued`);
}

export default defineBenchmark({
  name: 'storage-backends',
  description: `The same server over PostgreSQL (a throwaway local cluster, fsync on, default settings, 10 connections) and over LevelDB, in one run: \`GET certs/demo/<id>\` of ${CERTIFICATES} issued records at ${CONNECTIONS} keep-alive connections (${WARMUP_SECONDS} s warm-up, ${ROUNDS} rounds of ${ROUND_SECONDS} s per backend, alternating), and BENCH_STORAGE_ENROLLS (default 100) concurrent EC P-256 enrolls per round, issued at once by the simulator. CPU is the scmpki process's own; PostgreSQL's own processes are not counted.`,
  async run() {
    const cluster = await startPostgresCluster({ durable: true });
    try {
      const count = enrollCount();
      const postgresql = { storage_backend: 'postgresql', storage_connection_url: await cluster.createDatabase() };
      const sides: Side[] = [];
      for (const [label, settings] of [['LevelDB', {}], ['PostgreSQL', postgresql]] as const) {
        const { server } = await startServerWithSimulator('0s', settings);
        sides.push({ label, server, paths: await enrollIssuedCertificates(server, CERTIFICATES), requests: 0, seconds: 0, enrollWallMs: 0, enrollCpuMs: 0 });
      }
      const load = (side: Side, durationSeconds: number) =>
        startLoad(side.server.url, { paths: side.paths, token: side.server.rootToken, connections: CONNECTIONS, durationSeconds }).result;
      for (const side of sides) await load(side, WARMUP_SECONDS);
      for (let round = 0; round < ROUNDS; round += 1) {
        for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
          const result = await load(side, ROUND_SECONDS);
          side.requests += result.requests.total;
          side.seconds += result.duration;
          await enrollBurst(side, count, round);
        }
      }
      const [leveldb, pg] = sides as [Side, Side];
      const perEnroll = (side: Side) => side.enrollCpuMs / (ROUNDS * count);
      return [
        {
          figure: `req/s at ${CONNECTIONS} connections`,
          unit: 'req/s',
          subject: { label: 'over PostgreSQL', value: pg.requests / pg.seconds },
          baseline: { label: 'over LevelDB', value: leveldb.requests / leveldb.seconds },
          target: { of: 'ratio', comparison: '>=', limit: 0.8 },
        },
        {
          figure: `wall time, ${count} concurrent enrolls`,
          unit: 's',
          subject: { label: 'over PostgreSQL', value: pg.enrollWallMs / ROUNDS / 1000 },
          baseline: { label: 'over LevelDB', value: leveldb.enrollWallMs / ROUNDS / 1000 },
          target: { of: 'ratio', comparison: '<=', limit: 1.5 },
        },
        {
          figure: 'server CPU per enroll',
          unit: 'ms',
          subject: { label: 'over PostgreSQL', value: perEnroll(pg) },
          baseline: { label: 'over LevelDB', value: perEnroll(leveldb) },
        },
      ];
    } finally {
      await stopAll(); // the servers before their PostgreSQL
      await cluster.destroy();
    }
  },
});
