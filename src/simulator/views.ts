/**
 * Orders as SCM serializes them: `MM/dd/yyyy` dates, colon-hex serials,
 * "RSA - 2048" key types, and absent fields omitted rather than null.
 */
import 'reflect-metadata';
import { X509Certificate, createHash } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { SMIME_PROFILES, SSL_PROFILES, profileView } from './catalog.js';
import type { OrderBase, SmimeOrder, SslOrder } from './state.js';

export function scmDate(iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${d.getUTCFullYear()}`;
}

export function colonSerial(hex: string | undefined): string | undefined {
  return hex?.toUpperCase().match(/../g)?.join(':');
}

/** The URL form `revoke/serial/{serial}` may use: colon hex or plain hex, any case. */
export function normalizeSerial(serial: string): string {
  return serial.replace(/:/g, '').toLowerCase();
}

function withoutUndefined<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as T;
}

/** Facts per order, until its certificate changes: parsing is most of what a details call costs. */
const factsCache = new WeakMap<OrderBase, { certificate: string; facts: ReturnType<typeof readCertificateFacts> }>();

function certificateFacts(order: OrderBase) {
  if (!order.certificate) return {};
  const cached = factsCache.get(order);
  if (cached?.certificate === order.certificate) return cached.facts;
  const facts = readCertificateFacts(order.certificate);
  factsCache.set(order, { certificate: order.certificate, facts });
  return facts;
}

const EKU_NAMES = Object.fromEntries(Object.entries(x509.ExtendedKeyUsage).map(([name, oid]) => [oid, name]));
const SAN_TYPES: Record<string, string> = { DNS: 'dNSName', 'IP Address': 'iPAddress', email: 'rfc822Name' };

/**
 * Read with Node's own X.509 parser: @peculiar/x509's full decode made a
 * details call cost more than an enroll, and an import looks up thousands.
 */
function readCertificateFacts(pem: string) {
  const cert = new X509Certificate(pem);
  const hash = (algorithm: string) => createHash(algorithm).update(cert.raw).digest('hex').toUpperCase();
  const sans = (cert.subjectAltName ?? '').split(', ').filter((entry) => entry !== '').map((entry) => {
    const at = entry.indexOf(':');
    return `${SAN_TYPES[entry.slice(0, at)] ?? entry.slice(0, at)}=${entry.slice(at + 1)}`;
  });
  const ku = keyUsageFlags(cert.raw);
  return {
    signatureAlg: 'SHA256WITHRSA',
    keyUsages: Object.entries(x509.KeyUsageFlags)
      .filter(([, flag]) => typeof flag === 'number' && (ku & flag) !== 0)
      .map(([name]) => name),
    extendedKeyUsages: (cert.keyUsage ?? []).map((oid) => EKU_NAMES[oid] ?? oid),
    certificateDetails: {
      issuer: cert.issuer.split('\n').join(', '),
      subject: cert.subject.split('\n').join(', '),
      subjectAltNames: sans.join(', '),
      md5Hash: hash('md5'),
      sha1Hash: hash('sha1'),
      sha256Hash: hash('sha256'),
    },
  };
}

/** KeyUsage (2.5.29.15) as @peculiar/x509's flags (bit n → 1 << n), read from the DER; 0 when absent. */
function keyUsageFlags(der: Buffer): number {
  let at = der.indexOf(Buffer.from([0x06, 0x03, 0x55, 0x1d, 0x0f]));
  if (at === -1) return 0;
  at += 5;
  if (der[at] === 0x01) at += 3; // critical BOOLEAN
  if (der[at] !== 0x04 || der[at + 2] !== 0x03) return 0; // OCTET STRING { BIT STRING }
  const length = der[at + 3]!;
  const bytes = der.subarray(at + 5, at + 4 + length); // after the unused-bits count
  let flags = 0;
  bytes.forEach((byte, index) => {
    for (let bit = 0; bit < 8; bit++) if (byte & (0x80 >> bit)) flags |= 1 << (index * 8 + bit);
  });
  return flags;
}

function keyFacts(order: OrderBase) {
  return {
    keyAlgorithm: order.keyAlgorithm,
    keySize: order.keyAlgorithm === 'RSA' ? Number(order.keyParam) : undefined,
    keyParam: order.keyParam,
    keyType: `${order.keyAlgorithm} - ${order.keyParam}`,
  };
}

export function sslDetails(order: SslOrder) {
  const profile = SSL_PROFILES.find((p) => p.id === order.certTypeId);
  return withoutUndefined({
    commonName: order.commonName,
    sslId: order.sslId,
    id: order.sslId,
    orgId: order.orgId,
    status: order.status,
    orderNumber: order.orderNumber,
    backendCertId: String(order.orderNumber),
    vendor: 'scmpki Simulator',
    certType: profile ? profileView(profile) : undefined,
    validationType: 'Organization Validation (OV)',
    term: order.term,
    owner: 'API Admin',
    requester: 'API Admin',
    requestedVia: 'Web API',
    externalRequester: order.externalRequester,
    comments: order.comments,
    requested: scmDate(order.requested),
    approved: scmDate(order.approved),
    issued: scmDate(order.issued),
    declined: scmDate(order.declined),
    expires: scmDate(order.notAfter),
    replaced: scmDate(order.replaced),
    revoked: scmDate(order.revoked),
    reasonCode: order.reasonCode,
    renewed: order.renewed,
    renewedDate: scmDate(order.renewedDate),
    serialNumber: colonSerial(order.serialNumber),
    ...keyFacts(order),
    subjectAlternativeNames: order.subjAltNames,
    customFields: order.customFields,
    ...certificateFacts(order),
    autoInstallDetails: { state: 'Not configured' },
    autoRenewDetails: { state: 'Not scheduled' },
    suspendNotifications: false,
  });
}

export function sslListItem(order: SslOrder) {
  return withoutUndefined({
    sslId: order.sslId,
    commonName: order.commonName,
    subjectAlternativeNames: order.subjAltNames,
    serialNumber: colonSerial(order.serialNumber),
  });
}

export function smimeDetails(order: SmimeOrder) {
  const profile = SMIME_PROFILES.find((p) => p.id === order.certTypeId);
  return withoutUndefined({
    commonName: order.commonName,
    id: order.id,
    orgId: order.orgId,
    status: order.status,
    backendCertId: order.backendCertId,
    certType: profile ? profileView(profile) : undefined,
    subType: 'Private',
    term: order.term,
    requestedVia: 'API Enroll',
    requested: scmDate(order.requested),
    issued: scmDate(order.issued),
    expires: scmDate(order.notAfter),
    revoked: scmDate(order.revoked),
    reasonCode: order.reasonCode,
    serialNumber: colonSerial(order.serialNumber),
    ...keyFacts(order),
    subjectAlternativeNames: [order.email, ...order.secondaryEmails],
    customFields: order.customFields,
    ...certificateFacts(order),
    suspendNotifications: false,
    comments: order.comments,
  });
}

export function smimeListItem(order: SmimeOrder) {
  return withoutUndefined({
    id: order.id,
    state: order.status,
    certificateDetails: { subject: order.certificate ? new x509.X509Certificate(order.certificate).subject : '' },
    serialNumber: colonSerial(order.serialNumber),
    orderNumber: order.orderNumber,
    backendCertId: order.backendCertId,
    expires: order.notAfter?.slice(0, 10),
    comments: order.comments,
  });
}
