import { generateKeyPair as nodeGenerateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { buildCsr, generateKeyPair, type KeySpec } from '../src/pki/index.js';
import { defineBenchmark } from './harness.js';

const bareGenerateKeyPair = promisify(nodeGenerateKeyPair);

// What the engine does per enroll without a caller CSR, against the floor:
// node's own async key generation of the same key with the same encoding.
async function oursKeyAndCsr(spec: KeySpec): Promise<void> {
  const key = await generateKeyPair(spec);
  await buildCsr({
    subject: { commonName: 'bench.example.com', organization: 'scmpki bench', country: 'US' },
    subjectAltNames: ['bench.example.com', 'www.bench.example.com'],
    privateKeyPem: key.privateKeyPem,
  });
}

const encoding = {
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
} as const;

export default defineBenchmark({
  name: 'keygen',
  // RSA key generation is a random prime search (~160 ms, high variance on 2
  // cores): a small fixed sample keeps the whole run well under a minute.
  options: { iterations: 16, time: 1_000, warmupIterations: 2, warmupTime: 0 },
  register(bench) {
    bench
      .add('ours: RSA 2048 key + CSR', () => oursKeyAndCsr({ algorithm: 'RSA', bits: 2048 }))
      .add('bare: node:crypto RSA 2048 key', async () => {
        await bareGenerateKeyPair('rsa', { modulusLength: 2048, ...encoding });
      })
      .add('ours: EC P-256 key + CSR', () => oursKeyAndCsr({ algorithm: 'EC', curve: 'P-256' }), {})
      .add('bare: node:crypto EC P-256 key', async () => {
        await bareGenerateKeyPair('ec', { namedCurve: 'P-256', ...encoding });
      });
  },
  comparisons: [
    { ours: 'ours: RSA 2048 key + CSR', baseline: 'bare: node:crypto RSA 2048 key' },
    { ours: 'ours: EC P-256 key + CSR', baseline: 'bare: node:crypto EC P-256 key' },
  ],
});
