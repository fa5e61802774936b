import { enrollIssuedCertificates, startBareServer, startLoad, startServerWithSimulator, type RunningProcess } from './fixtures.js';
import { defineBenchmark } from './harness.js';

const CONNECTIONS = 64;
const CERTIFICATES = 4;
// The warm-up lets the JIT settle on both servers before anything is counted.
const WARMUP_SECONDS = 2;
// Rounds alternate which server goes first, so load drifting on a shared
// machine does not land on one side of the ratio.
const ROUNDS = 2;
const ROUND_SECONDS = 5;

interface Target {
  process: RunningProcess;
  url: string;
}

class Totals {
  requests = 0;
  seconds = 0;
  cpuMs = 0;
  p99s: number[] = [];

  get requestsPerSecond(): number {
    return this.requests / this.seconds;
  }

  /** Mean of the rounds' p99: autocannon hands out percentiles, not its histogram. */
  get p99Ms(): number {
    return this.p99s.reduce((sum, value) => sum + value, 0) / this.p99s.length;
  }

  get cpuMsPerRead(): number {
    return this.cpuMs / this.requests;
  }
}

export default defineBenchmark({
  name: 'read-throughput',
  description: `\`GET certs/demo/<id>\` of ${CERTIFICATES} issued, valid records (auto-renew off) at ${CONNECTIONS} keep-alive connections (autocannon; ${WARMUP_SECONDS} s warm-up, then ${ROUNDS} rounds of ${ROUND_SECONDS} s per server, alternating), \`scmpki server\` in its own process with the SCM simulator in another, against a bare node:http process answering every request with the bytes of one such read. CPU is the server process's own (user + system).`,
  async run() {
    const { server } = await startServerWithSimulator('0s');
    const paths = await enrollIssuedCertificates(server, CERTIFICATES);
    const body = await (await fetch(server.engineUrl(paths[0]!), { headers: { 'x-vault-token': server.rootToken } })).text();
    const bare = await startBareServer(body);
    const load = { paths, token: server.rootToken, connections: CONNECTIONS };

    const ours: Target = { process: server, url: server.url };
    const floor: Target = { process: bare, url: bare.url };
    const totals = new Map([
      [ours, new Totals()],
      [floor, new Totals()],
    ]);
    for (const { url } of totals.keys()) await startLoad(url, { ...load, durationSeconds: WARMUP_SECONDS }).result;
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const target of round % 2 === 0 ? [floor, ours] : [ours, floor]) {
        const cpuBefore = target.process.cpuMs();
        const result = await startLoad(target.url, { ...load, durationSeconds: ROUND_SECONDS }).result;
        const total = totals.get(target)!;
        total.cpuMs += target.process.cpuMs() - cpuBefore;
        total.requests += result.requests.total;
        total.seconds += result.duration;
        total.p99s.push(result.latency.p99);
      }
    }

    const [subject, baseline] = [totals.get(ours)!, totals.get(floor)!];
    const labels = { subject: 'scmpki server', baseline: `bare node:http, ${body.length} B body` };
    return [
      {
        figure: `req/s at ${CONNECTIONS} connections`,
        unit: 'req/s',
        subject: { label: labels.subject, value: subject.requestsPerSecond },
        baseline: { label: labels.baseline, value: baseline.requestsPerSecond },
        target: { of: 'ratio', comparison: '>=', limit: 0.6 },
      },
      {
        figure: `p99 latency at ${CONNECTIONS} connections`,
        unit: 'ms',
        subject: { label: labels.subject, value: subject.p99Ms },
        baseline: { label: labels.baseline, value: baseline.p99Ms },
        target: { of: 'subject', comparison: '<', limit: 20 },
      },
      {
        figure: 'server CPU per read',
        unit: 'ms',
        subject: { label: labels.subject, value: subject.cpuMsPerRead },
        baseline: { label: labels.baseline, value: baseline.cpuMsPerRead },
      },
    ];
  },
});
