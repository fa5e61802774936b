import { generateKeyPair as nodeGenerateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { Bench, type BenchOptions, type Task } from 'tinybench';
import { buildCsr, generateKeyPair, type KeySpec } from '../src/pki/index.js';
import { defineBenchmark, type Figure, type Target } from './harness.js';

const bareGenerateKeyPair = promisify(nodeGenerateKeyPair);

const encoding = {
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
} as const;

// What the engine does per enroll without a caller CSR, through the public
// signatures only (their internals are being rewritten): key, then CSR.
async function oursKeyAndCsr(spec: KeySpec): Promise<void> {
  const key = await generateKeyPair(spec);
  await buildCsr({
    subject: { commonName: 'bench.example.com', organization: 'scmpki bench', country: 'US' },
    subjectAltNames: ['bench.example.com', 'www.bench.example.com'],
    privateKeyPem: key.privateKeyPem,
  });
}

interface KeygenCase {
  figure: string;
  spec: KeySpec;
  bare: () => Promise<unknown>;
  /** RSA key generation is a random prime search (~170 ms, wide spread): a fixed count keeps its time bounded. */
  options: BenchOptions;
  target: Target;
}

const cases: KeygenCase[] = [
  {
    figure: 'EC P-256 key + CSR, mean',
    spec: { algorithm: 'EC', curve: 'P-256' },
    bare: () => bareGenerateKeyPair('ec', { namedCurve: 'P-256', ...encoding }),
    options: { time: 1_500, iterations: 200, warmupTime: 200 },
    target: { of: 'ratio', comparison: '<=', limit: 3 },
  },
  {
    figure: 'RSA 2048 key + CSR, mean',
    spec: { algorithm: 'RSA', bits: 2048 },
    bare: () => bareGenerateKeyPair('rsa', { modulusLength: 2048, ...encoding }),
    options: { time: 0, iterations: 40, warmupIterations: 2, warmupTime: 0 },
    target: { of: 'ratio', comparison: '<=', limit: 1.1 },
  },
];

function meanMs(task: Task | undefined): number {
  const result = task?.result;
  if (!result || !('latency' in result)) throw new Error(`keygen task ${task?.name} did not complete`);
  return result.latency.mean;
}

export default defineBenchmark({
  name: 'keygen',
  description:
    'Key + CSR generation in-process (`generateKeyPair` + `buildCsr` from src/pki) against bare `node:crypto` async key generation of the same key, mean latency per operation.',
  async run() {
    const figures: Figure[] = [];
    for (const { figure, spec, bare, options, target } of cases) {
      const bench = new Bench({ ...options, throws: true });
      bench.add('ours', () => oursKeyAndCsr(spec)).add('bare', bare);
      await bench.run();
      figures.push({
        figure,
        unit: 'ms',
        subject: { label: 'generateKeyPair + buildCsr', value: meanMs(bench.getTask('ours')) },
        baseline: { label: 'node:crypto generateKeyPair', value: meanMs(bench.getTask('bare')) },
        target,
      });
    }
    return figures;
  },
});
