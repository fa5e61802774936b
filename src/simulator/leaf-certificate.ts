/**
 * The leaf certificate the simulated CA signs, written as DER (RFC 5280) with
 * the extensions real SCM leaves carry, and the two parts of a CSR it copies.
 * The extension order and encodings are those @peculiar/x509 produced before
 * this was written by hand, so certificates read the same as they always did.
 */
import { createHash } from 'node:crypto';
import {
  bitString,
  booleanTrue,
  children,
  explicit,
  implicitPrimitive,
  integerFromHex,
  ipAddress,
  namedBits,
  nullValue,
  octetString,
  oid,
  sequence,
  single,
  smallInteger,
  time,
} from './der.js';

export interface LeafName {
  type: 'dns' | 'ip' | 'email';
  value: string;
}

export interface LeafTemplate {
  /** Lower-case hex, positive. */
  serialNumber: string;
  /** DER Names. */
  issuer: Buffer;
  subject: Buffer;
  /** DER SubjectPublicKeyInfo. */
  publicKey: Buffer;
  notBefore: Date;
  notAfter: Date;
  /** RFC 5280 KeyUsage bit numbers (0 digitalSignature, 2 keyEncipherment, 4 keyAgreement). */
  keyUsageBits: number[];
  extendedKeyUsages: string[];
  subjectAltNames: LeafName[];
  authorityKeyId: Buffer;
}

export const KEY_USAGE_BIT = { digitalSignature: 0, keyEncipherment: 2, keyAgreement: 4 } as const;

export const EXTENDED_KEY_USAGE = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  emailProtection: '1.3.6.1.5.5.7.3.4',
} as const;

const SHA256_WITH_RSA = sequence(oid('1.2.840.113549.1.1.11'), nullValue());
const GENERAL_NAME_TAG = { email: 1, dns: 2, ip: 7 } as const;

export function leafTbs(template: LeafTemplate): Buffer {
  const extension = (id: string, critical: boolean, value: Buffer) =>
    sequence(oid(id), ...(critical ? [booleanTrue()] : []), octetString(value));
  const names = template.subjectAltNames.map(({ type, value }) =>
    implicitPrimitive(GENERAL_NAME_TAG[type], type === 'ip' ? ipAddress(value) : Buffer.from(value, 'ascii')),
  );
  return sequence(
    explicit(0, smallInteger(2)),
    integerFromHex(template.serialNumber),
    SHA256_WITH_RSA,
    template.issuer,
    sequence(time(template.notBefore), time(template.notAfter)),
    template.subject,
    template.publicKey,
    explicit(
      3,
      sequence(
        extension('2.5.29.19', true, sequence()),
        extension('2.5.29.15', true, namedBits(template.keyUsageBits)),
        extension('2.5.29.37', false, sequence(...template.extendedKeyUsages.map(oid))),
        extension('2.5.29.17', false, sequence(...names)),
        extension('2.5.29.14', false, octetString(keyIdentifier(template.publicKey))),
        extension('2.5.29.35', false, sequence(implicitPrimitive(0, template.authorityKeyId))),
      ),
    ),
  );
}

/** The signed certificate around a TBSCertificate signed with SHA-256 and an RSA key. */
export function signedCertificate(tbs: Buffer, signature: Buffer): Buffer {
  return sequence(tbs, SHA256_WITH_RSA, bitString(signature));
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
export function keyIdentifier(subjectPublicKeyInfo: Buffer): Buffer {
  const [, subjectPublicKey] = children(single(subjectPublicKeyInfo).content);
  return createHash('sha1').update(subjectPublicKey.content.subarray(1)).digest();
}

/** The subject Name and SubjectPublicKeyInfo of a DER CertificationRequest (RFC 2986). */
export function csrSubjectAndKey(csr: Buffer): { subject: Buffer; publicKey: Buffer } {
  const [info] = children(single(csr).content);
  const [, subject, publicKey] = children(info.content);
  return { subject: subject.raw, publicKey: publicKey.raw };
}
