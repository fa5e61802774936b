import { enroll, recordStatus, startServerWithSimulator, type ScmpkiProcess } from './fixtures.js';
import { defineBenchmark } from './harness.js';

const ISSUE_DELAY_SECONDS = 2;

// 1,000 is the issue's figure; BENCH_ENROLLS=200 keeps a quick run quick.
function enrollCount(): number {
  const text = process.env.BENCH_ENROLLS ?? '1000';
  const count = Number(text);
  if (!Number.isInteger(count) || count < 1) throw new Error(`BENCH_ENROLLS must be a positive integer, not "${text}"`);
  return count;
}

// Bounded, so a record SCM never issues fails the run instead of hanging it.
const MAX_READS = 10;

// A read of a record that is not Issued yet collects it (waiting up to
// sectigo_max_timeout), so reading until Issued is what a client would do.
async function enrollUntilIssued(server: ScmpkiProcess, index: number): Promise<void> {
  let record = await enroll(server, `load-${index}.bench.example.com`, { algo: 'EC', size: 'P-256' });
  for (let reads = 0; record.status !== 'Issued'; reads += 1) {
    if (reads === MAX_READS) throw new Error(`record ${record.id} still ${record.status} after ${MAX_READS} reads`);
    record = recordStatus(await server.call('GET', `certs/demo/${record.id}`));
  }
}

export default defineBenchmark({
  name: 'enrolls',
  description: `BENCH_ENROLLS (default 1,000) concurrent EC P-256 enrolls with server-side keys, each followed by reads until \`Issued\`; the SCM simulator in its own process issues ${ISSUE_DELAY_SECONDS} s after the order. Wall time is compared with that issue delay (the floor no server can beat); the server's CPU per enroll with the simulator's CPU per enroll in the same run (SCM's own work: orders, collects, signing).`,
  async run() {
    const count = enrollCount();
    const { server, simulator } = await startServerWithSimulator(`${ISSUE_DELAY_SECONDS}s`);
    const serverCpuBefore = server.cpuMs();
    const simulatorCpuBefore = simulator.cpuMs();
    const started = performance.now();
    await Promise.all(Array.from({ length: count }, (_, i) => enrollUntilIssued(server, i)));
    const wallSeconds = (performance.now() - started) / 1000;
    const serverCpuMs = (server.cpuMs() - serverCpuBefore) / count;
    const simulatorCpuMs = (simulator.cpuMs() - simulatorCpuBefore) / count;
    return [
      {
        figure: `wall time, ${count} concurrent enrolls to all Issued`,
        unit: 's',
        subject: { label: 'scmpki server', value: wallSeconds },
        baseline: { label: 'simulator issue delay', value: ISSUE_DELAY_SECONDS },
        target: { of: 'subject', comparison: '<=', limit: 15 },
      },
      {
        figure: 'CPU per enroll',
        unit: 'ms',
        subject: { label: 'scmpki server process', value: serverCpuMs },
        baseline: { label: 'SCM simulator process', value: simulatorCpuMs },
        target: { of: 'subject', comparison: '<=', limit: 6 },
      },
    ];
  },
});
