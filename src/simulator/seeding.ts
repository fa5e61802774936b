/**
 * Many issued SSL certificates at once, for tests and benchmarks of what
 * scmpki does with a large estate it did not order (import, reports). Every
 * seeded certificate is real (signed by the simulator's CA) and shares one
 * EC P-256 key: generating a key per certificate would cost more than
 * signing.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { DEFAULT_ORG_ID } from './catalog.js';
import type { Issuer } from './issuance.js';
import type { SimulatorState, SslOrder } from './state.js';

export interface SeedRequest {
  count: number;
  /** Certificates are `<prefix>-<n>.example.com`. */
  prefix: string;
  /** Days until the first certificate expires. */
  days: number;
  /** The n-th certificate expires `n % spreadDays` days after the first (0: all the same day). */
  spreadDays: number;
}

const KEY = { name: 'ECDSA', namedCurve: 'P-256' } as const;
let sharedCsr: Promise<string> | undefined;

function seedCsr(): Promise<string> {
  sharedCsr ??= (async () => {
    const keys = await crypto.subtle.generateKey(KEY, true, ['sign', 'verify']);
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: 'CN=seeded.example.com', keys, signingAlgorithm: { ...KEY, hash: 'SHA-256' } });
    return csr.toString('pem');
  })();
  return sharedCsr;
}

/** Adds `count` issued orders and returns their sslIds. */
export async function seedSslCertificates(state: SimulatorState, issuer: Issuer, request: SeedRequest): Promise<number[]> {
  const csr = await seedCsr();
  const ids: number[] = [];
  const now = new Date().toISOString();
  for (let n = 0; n < request.count; n++) {
    const commonName = `${request.prefix}-${n}.example.com`;
    const order: SslOrder = {
      ...state.allocateSslIds(),
      status: 'Requested',
      orgId: DEFAULT_ORG_ID,
      certTypeId: 2001,
      term: 365,
      csr,
      commonName,
      subjAltNames: [commonName],
      keyAlgorithm: 'EC',
      keyParam: 'P-256',
      customFields: [],
      requested: now,
      approved: now,
      renewed: false,
    };
    issuer.forceExpiry(order, request.days + (request.spreadDays > 0 ? n % request.spreadDays : 0));
    state.ssl.set(order.sslId, order);
    ids.push(order.sslId);
  }
  return ids;
}
