import { startPostgresCluster } from '../test/helpers/postgres-cluster.js';
import { createDemoConfig, enrollIssuedCertificates, startLoad, startScmpki, startSimulator, stopAll, type ScmpkiProcess } from './fixtures.js';
import { defineBenchmark } from './harness.js';

const CONNECTIONS = 64;
const CERTIFICATES = 4;
const WARMUP_SECONDS = 2;
// Rounds rotate which setup goes first, so load drifting on a shared machine
// does not land on one side of a ratio.
const ROUNDS = 2;
const ROUND_SECONDS = 5;
const REPLICAS = [1, 2, 3] as const;

/** `connections` spread over the replicas, one autocannon per replica, run together; their requests per second summed. */
async function readsPerSecond(replicas: ScmpkiProcess[], paths: string[], durationSeconds: number): Promise<number> {
  const token = replicas[0]!.rootToken;
  const share = (i: number) => Math.floor(CONNECTIONS / replicas.length) + (i < CONNECTIONS % replicas.length ? 1 : 0);
  const results = await Promise.all(replicas.map((replica, i) => startLoad(replica.url, { paths, token, connections: share(i), durationSeconds }).result));
  return results.reduce((sum, result) => sum + result.requests.total / result.duration, 0);
}

export default defineBenchmark({
  name: 'ha-read-throughput',
  description: `\`GET certs/demo/<id>\` of ${CERTIFICATES} issued records at ${CONNECTIONS} keep-alive connections in total, spread evenly over 1, 2 and 3 \`scmpki server\` replicas on one PostgreSQL (a throwaway cluster on the same machine), one autocannon per replica; ${WARMUP_SECONDS} s warm-up per setup, then ${ROUNDS} rounds of ${ROUND_SECONDS} s per setup, order rotating. Every setup is measured in the same run against the same three processes; the baseline is one replica.`,
  async run() {
    const postgres = await startPostgresCluster();
    try {
      const settings = { storage_backend: 'postgresql', storage_connection_url: await postgres.createDatabase() };
      const simulator = await startSimulator('0s');
      const first = await startScmpki(undefined, settings);
      const replicas = [first, ...(await Promise.all([1, 2].map(() => startScmpki({ configFile: first.configFile, rootToken: first.rootToken }))))];
      await createDemoConfig(first, simulator);
      const paths = await enrollIssuedCertificates(first, CERTIFICATES);

      const totals = new Map<number, number[]>(REPLICAS.map((count) => [count, []]));
      for (const count of REPLICAS) await readsPerSecond(replicas.slice(0, count), paths, WARMUP_SECONDS);
      for (let round = 0; round < ROUNDS; round += 1) {
        const order = [...REPLICAS.slice(round % REPLICAS.length), ...REPLICAS.slice(0, round % REPLICAS.length)];
        for (const count of order) totals.get(count)!.push(await readsPerSecond(replicas.slice(0, count), paths, ROUND_SECONDS));
      }
      const mean = (count: number) => totals.get(count)!.reduce((sum, value) => sum + value, 0) / ROUNDS;
      const baseline = { label: '1 replica', value: mean(1) };
      return [2, 3].map((count) => ({
        figure: `req/s with ${count} replicas`,
        unit: 'req/s',
        subject: { label: `${count} replicas`, value: mean(count) },
        baseline,
      }));
    } finally {
      // The servers first, so none logs PostgreSQL going away.
      await stopAll();
      await postgres.destroy();
    }
  },
});
