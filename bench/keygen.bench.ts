import { generateKeyPair as nodeGenerateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { Bench, type BenchOptions, type Task } from 'tinybench';
import { generateKeyAndCsr, type KeySpec } from '../src/pki/index.js';
import { defineBenchmark, type Figure, type Target } from './harness.js';

const bareGenerateKeyPair = promisify(nodeGenerateKeyPair);

const encoding = {
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
} as const;

// What an enroll without a caller CSR does: key and CSR in one worker task.
async function oursKeyAndCsr(spec: KeySpec): Promise<void> {
  await generateKeyAndCsr(spec, {
    subject: { commonName: 'bench.example.com', organization: 'scmpki bench', country: 'US' },
    subjectAltNames: ['bench.example.com', 'www.bench.example.com'],
  });
}

interface KeygenCase {
  figure: string;
  spec: KeySpec;
  bare: () => Promise<unknown>;
  /** Per round. RSA key generation is a random prime search (~170 ms, wide spread): a fixed count keeps its time bounded. */
  options: BenchOptions;
  target: Target;
}

// Load on a shared machine drifts within seconds; rounds that alternate which
// side runs first keep that drift from landing on one side of the ratio.
const ROUNDS = 4;

const cases: KeygenCase[] = [
  {
    figure: 'EC P-256 key + CSR, mean',
    spec: { algorithm: 'EC', curve: 'P-256' },
    bare: () => bareGenerateKeyPair('ec', { namedCurve: 'P-256', ...encoding }),
    options: { time: 400, iterations: 50, warmupTime: 100 },
    target: { of: 'ratio', comparison: '<=', limit: 3 },
  },
  {
    figure: 'RSA 2048 key + CSR, mean',
    spec: { algorithm: 'RSA', bits: 2048 },
    bare: () => bareGenerateKeyPair('rsa', { modulusLength: 2048, ...encoding }),
    options: { time: 0, iterations: 15, warmupIterations: 1, warmupTime: 0 },
    target: { of: 'ratio', comparison: '<=', limit: 1.1 },
  },
];

const average = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

function meanMs(task: Task | undefined): number {
  const result = task?.result;
  if (!result || !('latency' in result)) throw new Error(`keygen task ${task?.name} did not complete`);
  return result.latency.mean;
}

export default defineBenchmark({
  name: 'keygen',
  description:
    `Key + CSR generation in-process (\`generateKeyPair\` + \`buildCsr\` from src/pki) against bare \`node:crypto\` async key generation of the same key, mean latency per operation over ${ROUNDS} rounds that alternate which side runs first.`,
  async run() {
    const figures: Figure[] = [];
    for (const { figure, spec, bare, options, target } of cases) {
      const means = { ours: [] as number[], bare: [] as number[] };
      for (let round = 0; round < ROUNDS; round += 1) {
        const bench = new Bench({ ...options, throws: true });
        const tasks: Array<[keyof typeof means, () => Promise<unknown>]> = [['ours', () => oursKeyAndCsr(spec)], ['bare', bare]];
        for (const [name, fn] of round % 2 === 0 ? tasks : tasks.reverse()) bench.add(name, fn);
        await bench.run();
        for (const name of ['ours', 'bare'] as const) means[name].push(meanMs(bench.getTask(name)));
      }
      figures.push({
        figure,
        unit: 'ms',
        subject: { label: 'generateKeyAndCsr', value: average(means.ours) },
        baseline: { label: 'node:crypto generateKeyPair', value: average(means.bare) },
        target,
      });
    }
    return figures;
  },
});
