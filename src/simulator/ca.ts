/**
 * The simulator's certificate authority: a root and an intermediate that sign
 * the CSRs SCM receives. RSA keys on purpose: real SCM chains are RSA.
 * The two CA certificates are made once with @peculiar/x509; leaves, one per
 * order, are written directly (leaf-certificate.ts) and signed with
 * node:crypto, which costs a fraction of the generic generator.
 */
import 'reflect-metadata';
import { KeyObject, randomBytes, sign } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { pem } from './der.js';
import { EXTENDED_KEY_USAGE, KEY_USAGE_BIT, leafTbs, signedCertificate, type LeafName } from './leaf-certificate.js';

x509.cryptoProvider.set(globalThis.crypto);

const SIGNING: RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
};
const DAY_MS = 86_400_000;

/** What is persisted to the data dir (PKCS#8 keys, PEM certificates). */
export interface CaMaterial {
  rootCertificate: string;
  rootKey: string;
  intermediateCertificate: string;
  intermediateKey: string;
}

export type LeafPurpose = 'ssl' | 'smime';

export interface LeafRequest {
  purpose: LeafPurpose;
  /** DER Name. */
  subject: Buffer;
  /** DER SubjectPublicKeyInfo, as the CSR carries it. */
  publicKey: Buffer;
  keyAlgorithm: 'RSA' | 'EC';
  subjectAltNames: LeafName[];
  notBefore: Date;
  notAfter: Date;
}

export interface IssuedLeaf {
  pem: string;
  /** Lower-case hex, as @peculiar/x509 reports it. */
  serialNumber: string;
}

export class CertificateAuthority {
  private readonly issuedSerials = new Set<string>();
  /** What every leaf takes from the intermediate, worked out once. */
  private readonly signingKey: KeyObject;
  private readonly issuerName: Buffer;
  private readonly authorityKeyId: Buffer;

  private constructor(
    readonly root: x509.X509Certificate,
    private readonly rootKey: CryptoKey,
    readonly intermediate: x509.X509Certificate,
    private readonly intermediateKey: CryptoKey,
  ) {
    this.signingKey = KeyObject.from(intermediateKey);
    this.issuerName = Buffer.from(intermediate.subjectName.toArrayBuffer());
    this.authorityKeyId = Buffer.from(subjectKeyId(intermediate), 'hex');
  }

  static async generate(): Promise<CertificateAuthority> {
    const now = Date.now();
    const rootKeys = await crypto.subtle.generateKey(SIGNING, true, ['sign', 'verify']);
    const rootName = 'CN=scmpki Simulated Root CA, O=scmpki Simulator, C=GB';
    const root = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: randomSerial(),
      name: rootName,
      notBefore: new Date(now - DAY_MS),
      notAfter: new Date(now + 20 * 365 * DAY_MS),
      signingAlgorithm: SIGNING,
      keys: rootKeys,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey),
      ],
    });
    const intermediateKeys = await crypto.subtle.generateKey(SIGNING, true, ['sign', 'verify']);
    const intermediate = await x509.X509CertificateGenerator.create({
      serialNumber: randomSerial(),
      subject: 'CN=scmpki Simulated OV Secure Server CA, O=scmpki Simulator, C=GB',
      issuer: root.subject,
      notBefore: new Date(now - DAY_MS),
      notAfter: new Date(now + 10 * 365 * DAY_MS),
      signingAlgorithm: SIGNING,
      publicKey: intermediateKeys.publicKey,
      signingKey: rootKeys.privateKey,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
          true,
        ),
        await x509.SubjectKeyIdentifierExtension.create(intermediateKeys.publicKey),
        new x509.AuthorityKeyIdentifierExtension(subjectKeyId(root)),
      ],
    });
    return new CertificateAuthority(root, rootKeys.privateKey, intermediate, intermediateKeys.privateKey);
  }

  static async load(material: CaMaterial): Promise<CertificateAuthority> {
    const importKey = (pem: string) =>
      crypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(pem), SIGNING, true, ['sign']);
    return new CertificateAuthority(
      new x509.X509Certificate(material.rootCertificate),
      await importKey(material.rootKey),
      new x509.X509Certificate(material.intermediateCertificate),
      await importKey(material.intermediateKey),
    );
  }

  async export(): Promise<CaMaterial> {
    const exportKey = async (key: CryptoKey) =>
      x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
    return {
      rootCertificate: this.root.toString('pem'),
      rootKey: await exportKey(this.rootKey),
      intermediateCertificate: this.intermediate.toString('pem'),
      intermediateKey: await exportKey(this.intermediateKey),
    };
  }

  /** Serials of certificates issued before a restart, so new ones never repeat them. */
  rememberSerials(serials: Iterable<string>): void {
    for (const serial of serials) this.issuedSerials.add(serial.toLowerCase());
  }

  issue(request: LeafRequest): IssuedLeaf {
    let serialNumber = randomSerial();
    while (this.issuedSerials.has(serialNumber)) serialNumber = randomSerial();
    this.issuedSerials.add(serialNumber);
    const { serverAuth, clientAuth, emailProtection } = EXTENDED_KEY_USAGE;
    const tbs = leafTbs({
      serialNumber,
      issuer: this.issuerName,
      subject: request.subject,
      publicKey: request.publicKey,
      notBefore: request.notBefore,
      notAfter: request.notAfter,
      keyUsageBits: leafKeyUsages(request),
      extendedKeyUsages: request.purpose === 'ssl' ? [serverAuth, clientAuth] : [emailProtection, clientAuth],
      subjectAltNames: request.subjectAltNames,
      authorityKeyId: this.authorityKeyId,
    });
    const der = signedCertificate(tbs, sign('sha256', tbs, this.signingKey));
    return { pem: pem(der, 'CERTIFICATE'), serialNumber };
  }
}

function leafKeyUsages({ purpose, keyAlgorithm }: LeafRequest): number[] {
  const { digitalSignature, keyEncipherment, keyAgreement } = KEY_USAGE_BIT;
  if (keyAlgorithm === 'RSA') return [digitalSignature, keyEncipherment];
  return purpose === 'smime' ? [digitalSignature, keyAgreement] : [digitalSignature];
}

function subjectKeyId(cert: x509.X509Certificate): string {
  const ski = cert.getExtension(x509.SubjectKeyIdentifierExtension);
  if (!ski) throw new Error(`CA certificate ${cert.subject} has no subject key identifier`);
  return ski.keyId;
}

/** 127 random bits: positive (high bit clear) and never zero-leading, as RFC 5280 wants. */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x40;
  return bytes.toString('hex');
}
