/**
 * The CSR checks SCM makes on enroll, renew and replace, in SCM's order and
 * with its codes: not Base64 (-9), not a CSR (-10), bad signature (-138),
 * then the key against the profile's keyTypes (-11 algorithm, -13 size).
 */
import 'reflect-metadata';
import { createPublicKey } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { CertificateProfile } from './catalog.js';
import { scm } from './scm-reply.js';

export interface DecodedCsr {
  pem: string;
  request: x509.Pkcs10CertificateRequest;
  keyAlgorithm: 'RSA' | 'EC';
  /** Absent when the key is of a kind no profile offers (DSA, Ed25519, odd curves). */
  keyParam?: string;
  commonName?: string;
  subjectAltNames: x509.JsonGeneralName[];
}

const CURVES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };
const MAX_CSR_LENGTH = 32_767;

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
  const key = describeKey(request);
  if (key.keyAlgorithm === undefined) throw scm.unsupportedAlgorithm();
  let signatureValid = false;
  try {
    signatureValid = await request.verify();
  } catch {
    signatureValid = false;
  }
  if (!signatureValid) throw scm.csrInvalid();
  const sans = request.extensions.find((e) => e instanceof x509.SubjectAlternativeNameExtension);
  return {
    pem: request.toString('pem'),
    request,
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

function describeKey(request: x509.Pkcs10CertificateRequest): { keyAlgorithm?: 'RSA' | 'EC'; keyParam?: string } {
  const key = createPublicKey({ key: Buffer.from(request.publicKey.rawData), format: 'der', type: 'spki' });
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') return { keyAlgorithm: 'RSA', keyParam: String(details.modulusLength) };
  if (key.asymmetricKeyType === 'ec') return { keyAlgorithm: 'EC', keyParam: CURVES[details.namedCurve ?? ''] };
  return {};
}
