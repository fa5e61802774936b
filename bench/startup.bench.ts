import { startBareServer, startScmpki, type RunningProcess } from './fixtures.js';
import { defineBenchmark } from './harness.js';

// Alternating starts, median of each: one slow start on a busy machine must not be the figure.
const STARTS = 5;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function startupMs(start: () => Promise<RunningProcess>): Promise<number> {
  const started = await start();
  await started.stop();
  return started.startupMs;
}

export default defineBenchmark({
  name: 'startup',
  description: `Spawn to the first 200 from \`sys/health\` of \`scmpki server\` on a new, empty data directory, against a bare \`node -e\` node:http server to its first 200; median of ${STARTS} starts each, alternating.`,
  async run() {
    const ours: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < STARTS; i += 1) {
      ours.push(await startupMs(startScmpki));
      bare.push(await startupMs(() => startBareServer()));
    }
    return [
      {
        figure: 'start to sys/health 200, empty store',
        unit: 'ms',
        subject: { label: 'scmpki server', value: median(ours) },
        baseline: { label: 'bare node:http', value: median(bare) },
        target: { of: 'subject', comparison: '<=', limit: 500 },
      },
    ];
  },
});
