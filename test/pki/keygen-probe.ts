/**
 * Run by key-pool.test.ts in a process of its own with UV_THREADPOOL_SIZE=1.
 * It makes the main thread's node:crypto refuse to make keys or sign, holds
 * libuv's only thread in an open() of a FIFO that has no writer, and makes
 * keys and CSRs: work done on the main thread would throw, work queued on
 * libuv's pool would never finish. It prints the results and exits without
 * closing the key pool.
 */
import crypto from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { buildCsr, generateKeyAndCsr, generateKeyPair } from '../../src/pki/index.js';

const fifo = process.argv[2];

// Loading the worker's modules reads files through libuv, so the pool is started before the thread is held.
const warm = await generateKeyPair({ algorithm: 'EC', curve: 'P-256' });

for (const name of ['generateKeyPair', 'generateKeyPairSync', 'sign', 'createSign'] as const) {
  (crypto as unknown as Record<string, unknown>)[name] = () => {
    throw new Error(`${name} ran on the main thread`);
  };
}
syncBuiltinESMExports();

const held = open(fifo, 'r');
let released = false;
// A writer completes the held open(). Done synchronously on the main thread
// because libuv's thread is the one being freed; and always, because a
// process cannot exit while a libuv thread is stuck.
const release = () => {
  if (!released) closeSync(openSync(fifo, 'w'));
  released = true;
};
// Should the test give up on a probe that hangs, its stdin closes and ends the probe too.
const endWithParent = () => {
  release();
  process.exit(3);
};
process.stdin.on('close', endWithParent).resume();

try {
  const request = { subject: { commonName: 'probe.example.com' }, subjectAltNames: ['probe.example.com'] };
  const rsa = await generateKeyAndCsr({ algorithm: 'RSA', bits: 2048 }, request);
  const ec = await generateKeyAndCsr({ algorithm: 'EC', curve: 'P-384' }, request);
  const key = await generateKeyPair({ algorithm: 'EC', curve: 'P-256' });
  const signed = await buildCsr({ ...request, privateKeyPem: warm.privateKeyPem });
  process.stdout.write(`${JSON.stringify({ csrs: [rsa.csr, ec.csr, signed], keys: [rsa.privateKeyPem, ec.privateKeyPem, key.privateKeyPem] })}\n`);
} finally {
  release();
  await (await held).close();
  process.stdin.off('close', endWithParent).destroy();
}
