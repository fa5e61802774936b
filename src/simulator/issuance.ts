/**
 * How an order moves through SCM's states in simulated time. Nothing runs in
 * the background: an order "becomes" Issued the first time anyone looks at it
 * after its issue time, which keeps the simulator free of timers to clean up
 * and makes every test deterministic given the issue delay.
 */
import 'reflect-metadata';
import { isIP } from 'node:net';
import * as x509 from '@peculiar/x509';
import type { CertificateAuthority, LeafPurpose } from './ca.js';
import { csrSubjectAndKey, type LeafName } from './leaf-certificate.js';
import type { OrderBase, SimulatorState, SmimeOrder, SslOrder } from './state.js';

const DAY_MS = 86_400_000;

export class Issuer {
  constructor(
    private readonly ca: CertificateAuthority,
    private readonly state: SimulatorState,
  ) {}

  /** A new or re-submitted SSL order: waits for approval, or goes to the CA. */
  submit(order: SslOrder): void {
    if (this.state.settings.approvalRequired) {
      order.status = 'Requested';
      delete order.issueAt;
      return;
    }
    this.sendToCa(order);
  }

  sendToCa(order: SslOrder | SmimeOrder): void {
    order.issueAt = new Date(Date.now() + this.state.settings.issueDelayMs).toISOString();
    order.status = 'sslId' in order ? 'Applied' : 'requested';
  }

  settleSsl(order: SslOrder): SslOrder {
    if (order.status === 'Applied' && isDue(order)) {
      this.sign(order, 'ssl', sslNames(order), undefined);
      order.status = 'Issued';
    }
    if (order.status === 'Issued' && isPast(order.notAfter)) order.status = 'Expired';
    return order;
  }

  settleSmime(order: SmimeOrder): SmimeOrder {
    if (order.status === 'requested' && isDue(order)) {
      const names = [order.email, ...order.secondaryEmails].map((value) => ({ type: 'email' as const, value }));
      this.sign(order, 'smime', names, new x509.Name([{ CN: [order.commonName] }, { E: [order.email] }]));
      order.status = 'issued';
    }
    if (order.status === 'issued' && isPast(order.notAfter)) order.status = 'expired';
    return order;
  }

  /**
   * Re-issues an issued order so that it expires in `days` (negative: already
   * expired), for tests of renew windows. A new serial, as a real re-issue has.
   * An order still at the CA is issued now, already that close to its end, so
   * a client that has not collected it yet never sees a longer-lived one.
   */
  forceExpiry(order: SslOrder | SmimeOrder, days: number): void {
    // As if the order's whole term had nearly passed: the certificate keeps its
    // term-long life and ends in `days` days (already started, even when
    // `days` exceeds the term).
    const notAfter = new Date(Date.now() + days * DAY_MS);
    const notBefore = new Date(Math.min(Date.now() - DAY_MS, notAfter.getTime() - order.term * DAY_MS));
    if ('sslId' in order) {
      this.sign(order, 'ssl', sslNames(order), undefined, { notBefore, notAfter });
      order.status = days > 0 ? 'Issued' : 'Expired';
    } else {
      const names = [order.email, ...order.secondaryEmails].map((value) => ({ type: 'email' as const, value }));
      this.sign(order, 'smime', names, new x509.Name([{ CN: [order.commonName] }, { E: [order.email] }]), {
        notBefore,
        notAfter,
      });
      order.status = days > 0 ? 'issued' : 'expired';
    }
  }

  /** The CSR was checked when the order was placed; here only its subject and key are read. */
  private sign(
    order: OrderBase,
    purpose: LeafPurpose,
    subjectAltNames: LeafName[],
    subject: x509.Name | undefined,
    validity = { notBefore: new Date(), notAfter: new Date(Date.now() + order.term * DAY_MS) },
  ): void {
    // X.509 times have whole seconds: store what the certificate will say.
    const notBefore = wholeSeconds(validity.notBefore);
    const notAfter = wholeSeconds(validity.notAfter);
    const csr = csrSubjectAndKey(Buffer.from(x509.PemConverter.decodeFirst(order.csr)));
    const leaf = this.ca.issue({
      purpose,
      subject: Buffer.from((subject ?? subjectWithCommonName(new x509.Name(new Uint8Array(csr.subject)), order.commonName)).toArrayBuffer()),
      publicKey: csr.publicKey,
      keyAlgorithm: order.keyAlgorithm,
      subjectAltNames,
      notBefore,
      notAfter,
    });
    order.certificate = leaf.pem;
    order.serialNumber = leaf.serialNumber;
    order.notBefore = notBefore.toISOString();
    order.notAfter = notAfter.toISOString();
    order.issued = new Date().toISOString();
    delete order.issueAt;
  }
}

/** CN first, then the requested SANs (IPs typed as such), without repeats. */
function sslNames(order: SslOrder): LeafName[] {
  const seen = new Set<string>();
  const names: LeafName[] = [];
  for (const value of [order.commonName, ...order.subjAltNames]) {
    if (!value || seen.has(value.toLowerCase())) continue;
    seen.add(value.toLowerCase());
    names.push({ type: isIP(value) ? 'ip' : 'dns', value });
  }
  return names;
}

/** The CSR's subject, with its CN replaced when the order names another one (replace with commonName). */
function subjectWithCommonName(subject: x509.Name, commonName: string): x509.Name {
  const rdns = subject.toJSON();
  const replaced = rdns.map((rdn) => ('CN' in rdn ? { ...rdn, CN: [commonName] } : rdn));
  return new x509.Name(rdns.some((rdn) => 'CN' in rdn) ? replaced : [...rdns, { CN: [commonName] }]);
}

function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

function isDue(order: OrderBase): boolean {
  return order.issueAt !== undefined && Date.parse(order.issueAt) <= Date.now();
}

function isPast(date: string | undefined): boolean {
  return date !== undefined && Date.parse(date) < Date.now();
}
