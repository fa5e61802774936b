import type autocannon from 'autocannon';
import { enrollIssuedCertificates, startBareServer, startLoad, startServerWithSimulator, type RunningProcess } from './fixtures.js';
import { defineBenchmark } from './harness.js';

const CONNECTIONS = 64;
const CERTIFICATES = 4;
// The warm-up lets the JIT settle on both servers before anything is counted.
const WARMUP_SECONDS = 2;
const MEASURE_SECONDS = 10;

interface Measured {
  result: autocannon.Result;
  cpuMsPerRead: number;
}

async function measure(target: RunningProcess, url: string, paths: string[], token: string): Promise<Measured> {
  const load = { paths, token, connections: CONNECTIONS };
  await startLoad(url, { ...load, durationSeconds: WARMUP_SECONDS }).result;
  const cpuBefore = target.cpuMs();
  const result = await startLoad(url, { ...load, durationSeconds: MEASURE_SECONDS }).result;
  return { result, cpuMsPerRead: (target.cpuMs() - cpuBefore) / result.requests.total };
}

export default defineBenchmark({
  name: 'read-throughput',
  description: `\`GET certs/demo/<id>\` of ${CERTIFICATES} issued, valid records (auto-renew off) at ${CONNECTIONS} keep-alive connections (autocannon, ${MEASURE_SECONDS} s after ${WARMUP_SECONDS} s warm-up), \`scmpki server\` in its own process with the SCM simulator in another, against a bare node:http process answering every request with the bytes of one such read. CPU is the server process's own (user + system).`,
  async run() {
    const { server } = await startServerWithSimulator('0s');
    const paths = await enrollIssuedCertificates(server, CERTIFICATES);
    const body = await (await fetch(server.engineUrl(paths[0]!), { headers: { 'x-vault-token': server.rootToken } })).text();
    const bare = await startBareServer(body);

    const baseline = await measure(bare, bare.url, paths, server.rootToken);
    const ours = await measure(server, server.url, paths, server.rootToken);
    const subject = { label: 'scmpki server' };
    const floor = { label: `bare node:http, ${body.length} B body` };
    return [
      {
        figure: `req/s at ${CONNECTIONS} connections`,
        unit: 'req/s',
        subject: { ...subject, value: ours.result.requests.average },
        baseline: { ...floor, value: baseline.result.requests.average },
        target: { of: 'ratio', comparison: '>=', limit: 0.6 },
      },
      {
        figure: `p99 latency at ${CONNECTIONS} connections`,
        unit: 'ms',
        subject: { ...subject, value: ours.result.latency.p99 },
        baseline: { ...floor, value: baseline.result.latency.p99 },
        target: { of: 'subject', comparison: '<', limit: 20 },
      },
      {
        figure: 'server CPU per read',
        unit: 'ms',
        subject: { ...subject, value: ours.cpuMsPerRead },
        baseline: { ...floor, value: baseline.cpuMsPerRead },
      },
    ];
  },
});
