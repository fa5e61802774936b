/**
 * Test helpers for the simulator: CSRs made with @peculiar/x509 + WebCrypto,
 * plain fetch calls with SCM's
 * auth headers, and the certificates in an SCM answer.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import type { Simulator } from '../../src/simulator/index.js';
import { SIMULATOR_LOGIN } from './scm-connection.js';

x509.cryptoProvider.set(globalThis.crypto);

export type KeySpec = { kind: 'RSA'; bits: number } | { kind: 'EC'; curve: 'P-256' | 'P-384' | 'P-521' };

export async function makeCsr(
  spec: KeySpec = { kind: 'EC', curve: 'P-256' },
  { name = 'CN=app.example.com, O=Example, C=DE', dnsNames = [] as string[] } = {},
): Promise<string> {
  const algorithm =
    spec.kind === 'RSA'
      ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: spec.bits }
      : { name: 'ECDSA', namedCurve: spec.curve, hash: 'SHA-256' };
  const keys = (await crypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name,
    keys,
    signingAlgorithm: algorithm,
    extensions: dnsNames.length
      ? [new x509.SubjectAlternativeNameExtension(dnsNames.map((value) => ({ type: 'dns' as const, value })))]
      : [],
  });
  return csr.toString('pem');
}

export interface ScmAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export async function scmCall(
  sim: Simulator,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = SIMULATOR_LOGIN,
): Promise<ScmAnswer> {
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json;charset=UTF-8' }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** Enrolls on the default org with profile 2001 for 365 days and waits until collectable. */
export async function enrollIssued(sim: Simulator, csr?: string, extra: Record<string, unknown> = {}) {
  const answer = await scmCall(sim, 'POST', '/api/ssl/v1/enroll', {
    orgId: sim.orgId,
    certType: 2001,
    term: 365,
    csr: csr ?? (await makeCsr()),
    ...extra,
  });
  if (answer.status !== 200) throw new Error(`enroll failed: ${answer.status} ${answer.text}`);
  return answer.json as { sslId: number; renewId: string };
}

export function pemBlocks(text: string): x509.X509Certificate[] {
  return (text.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? []).map(
    (pem) => new x509.X509Certificate(pem),
  );
}
