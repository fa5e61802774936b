/**
 * Runs in a key-pool worker thread (see key-pool.ts). Key generation uses the
 * synchronous node:crypto call on purpose: the async one would hand the work
 * to libuv's thread pool, where storage reads wait behind it, and this thread
 * exists to do exactly this work.
 */
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { signCsr, type CsrContent } from './csr-request.js';
import { PkiInputError, type PkiInput } from './input-error.js';
import type { KeySpec } from './key-spec.js';
import { describePublicKey, readPrivateKey, supportedKeySpec } from './keys.js';
import { findPemBlocks } from './pem-text.js';

/** Errors lose their class on the way between threads, so bad input travels back as data. */
export type Rejected = { rejected: { input: PkiInput; problem: string } };

export interface NewKey {
  privateKeyPem: string;
  publicKeyPem: string;
}

/** A new key of `spec`. */
export function generate({ spec }: { spec: KeySpec }): NewKey {
  const { privateKey, publicKey } = newKeyPair(spec);
  return { privateKeyPem: pkcs8Pem(privateKey), publicKeyPem: exportPublicKey(publicKey).pem };
}

/** A new key of `spec` and a request signed by it. */
export function generateWithCsr({ spec, csr }: { spec: KeySpec; csr: CsrContent }): NewKey & { csr: string } {
  const { privateKey, publicKey } = newKeyPair(spec);
  const { pem: publicKeyPem, der: spki } = exportPublicKey(publicKey);
  return { privateKeyPem: pkcs8Pem(privateKey), publicKeyPem, csr: signCsr(csr, privateKey, spec, spki) };
}

function newKeyPair(spec: KeySpec): { privateKey: KeyObject; publicKey: KeyObject } {
  return spec.algorithm === 'RSA'
    ? generateKeyPairSync('rsa', { modulusLength: spec.bits })
    : generateKeyPairSync('ec', { namedCurve: spec.curve });
}

const pkcs8Pem = (privateKey: KeyObject): string => privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

// node's SPKI export to DER takes twice as long as to PEM (measured, node 20
// with OpenSSL 3), and a request needs both forms, so DER is read out of the PEM.
function exportPublicKey(publicKey: KeyObject): { pem: string; der: Uint8Array } {
  const pem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
  return { pem, der: findPemBlocks(pem)[0].der };
}

/** A request signed by a key the caller holds. */
export function sign({ privateKeyPem, csr }: { privateKeyPem: string; csr: CsrContent }): { csr: string } | Rejected {
  try {
    const privateKey = readPrivateKey(privateKeyPem);
    const publicKey = createPublicKey(privateKey);
    const spec = supportedKeySpec(describePublicKey(publicKey), 'privateKey');
    return { csr: signCsr(csr, privateKey, spec, exportPublicKey(publicKey).der) };
  } catch (error) {
    if (error instanceof PkiInputError) return { rejected: { input: error.input, problem: error.problem } };
    throw error;
  }
}
