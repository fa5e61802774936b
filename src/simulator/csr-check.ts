/**
 * The CSR checks SCM makes on enroll, renew and replace, in SCM's order and
 * with its codes: not Base64 (-9), not a CSR (-10), bad signature (-138),
 * then the key against the profile's keyTypes (-11 algorithm, -13 size).
 */
import 'reflect-metadata';
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { CertificateProfile } from './catalog.js';
import { children, oid, single } from './der.js';
import { scm } from './scm-reply.js';

export interface DecodedCsr {
  pem: string;
  keyAlgorithm: 'RSA' | 'EC';
  /** Absent when the key is of a kind no profile offers (DSA, Ed25519, odd curves). */
  keyParam?: string;
  commonName?: string;
  subjectAltNames: x509.JsonGeneralName[];
}

const CURVES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };
const MAX_CSR_LENGTH = 32_767;

/** The signature algorithms nearly every CSR uses (RSA PKCS#1 v1.5, ECDSA), by DER-encoded OID. */
const SIGNATURE_HASHES = new Map(
  Object.entries({
    '1.2.840.113549.1.1.5': 'sha1',
    '1.2.840.113549.1.1.14': 'sha224',
    '1.2.840.113549.1.1.11': 'sha256',
    '1.2.840.113549.1.1.12': 'sha384',
    '1.2.840.113549.1.1.13': 'sha512',
    '1.2.840.10045.4.1': 'sha1',
    '1.2.840.10045.4.3.1': 'sha224',
    '1.2.840.10045.4.3.2': 'sha256',
    '1.2.840.10045.4.3.3': 'sha384',
    '1.2.840.10045.4.3.4': 'sha512',
  }).map(([dotted, hash]) => [oid(dotted).toString('hex'), hash]),
);

export async function decodeCsr(text: unknown): Promise<DecodedCsr> {
  if (typeof text !== 'string' || text.trim() === '') throw scm.missing('csr');
  if (text.length > MAX_CSR_LENGTH) throw scm.invalidField('csr');
  const base64 = text
    .replace(/-----(BEGIN|END) (NEW )?CERTIFICATE REQUEST-----/g, '')
    .replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw scm.csrNotBase64();
  let request: x509.Pkcs10CertificateRequest;
  try {
    request = new x509.Pkcs10CertificateRequest(Buffer.from(base64, 'base64'));
  } catch {
    throw scm.csrUndecodable();
  }
  const publicKey = createPublicKey({ key: Buffer.from(request.publicKey.rawData), format: 'der', type: 'spki' });
  const key = describeKey(publicKey);
  if (key.keyAlgorithm === undefined) throw scm.unsupportedAlgorithm();
  if (!(await signatureValid(request, publicKey))) throw scm.csrInvalid();
  const sans = request.extensions.find((e) => e instanceof x509.SubjectAlternativeNameExtension);
  return {
    pem: request.toString('pem'),
    keyAlgorithm: key.keyAlgorithm,
    keyParam: key.keyParam,
    commonName: request.subjectName.getField('CN')[0],
    subjectAltNames: sans ? sans.names.toJSON() : [],
  };
}

export function checkKeyAgainstProfile(csr: DecodedCsr, profile: CertificateProfile): void {
  const allowed = profile.keyTypes[csr.keyAlgorithm];
  if (!allowed) throw scm.unsupportedAlgorithm();
  if (csr.keyParam === undefined || !allowed.includes(csr.keyParam)) throw scm.unsupportedKeySize();
}

/**
 * Checked with node:crypto and the key decoded once above: WebCrypto would
 * import the key a second time, which costs more than the check. Rarer
 * algorithms (RSA-PSS with its parameters) go through @peculiar/x509.
 */
async function signatureValid(request: x509.Pkcs10CertificateRequest, publicKey: KeyObject): Promise<boolean> {
  try {
    const [info, algorithm, signature] = children(single(Buffer.from(request.rawData)).content);
    const hash = SIGNATURE_HASHES.get(children(algorithm.content)[0].raw.toString('hex'));
    if (hash === undefined) return await request.verify();
    return verify(hash, info.raw, publicKey, signature.content.subarray(1));
  } catch {
    return false;
  }
}

function describeKey(key: KeyObject): { keyAlgorithm?: 'RSA' | 'EC'; keyParam?: string } {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') return { keyAlgorithm: 'RSA', keyParam: String(details.modulusLength) };
  if (key.asymmetricKeyType === 'ec') return { keyAlgorithm: 'EC', keyParam: CURVES[details.namedCurve ?? ''] };
  return {};
}
