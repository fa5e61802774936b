import { createHash, createPublicKey, webcrypto } from 'node:crypto';
import type { Pkcs10CertificateRequest, SubjectAlternativeNameExtension } from '@peculiar/x509';
import { x509 } from './x509-library.js';
import { SUBJECT_ATTRIBUTES, type CsrSubject } from './csr-subject.js';
import { PkiInputError } from './input-error.js';
import { describeKeySpec, type KeySpec } from './key-spec.js';
import { describePublicKey, supportedKeySpec, type PublicKeyInfo } from './keys.js';
import { findPemBlocks, toPem } from './pem-text.js';

const SUBJECT_ALT_NAME_OID = '2.5.29.17';

/** Structural decode only (no signature check): shared with the key-match checks. */
export function decodeCsr(pem: string): Pkcs10CertificateRequest {
  const block = findPemBlocks(pem).find((b) => /^(NEW )?CERTIFICATE REQUEST$/.test(b.label));
  if (!block) {
    throw new PkiInputError('csr', 'not a PEM certificate request (perhaps a file path was passed instead of its contents?)');
  }
  try {
    return new (x509().Pkcs10CertificateRequest)(block.der);
  } catch {
    throw new PkiInputError('csr', 'the PEM certificate request could not be decoded (damaged or truncated?)');
  }
}

export interface ParsedCsr {
  /** Canonical PEM, 64-column lines. */
  pem: string;
  subject: CsrSubject;
  subjectAltNames: string[];
  /** The same names with their kind: `dns`, `ip`, `url`, `email`, … (@peculiar/x509's GeneralName types). */
  subjectAltNameEntries: Array<{ type: string; value: string }>;
  /** RFC 4514 subject, e.g. `CN=example.com, O=Example`. */
  subjectName: string;
  /** Hex SHA-256 of the DER public key: the same key gives the same value however the request was re-signed. */
  publicKeySha256: string;
  publicKey: PublicKeyInfo;
  keySpec: KeySpec;
}

/**
 * Reads a caller-supplied CSR and refuses what SCM would refuse later, after
 * an order had been placed: unsupported keys and a signature that does not
 * verify (the request was altered, or signed by another key).
 */
export async function parseCsr(pem: string): Promise<ParsedCsr> {
  const csr = decodeCsr(pem);
  const publicKey = describePublicKey(createPublicKey({ key: Buffer.from(csr.publicKey.rawData), format: 'der', type: 'spki' }));
  const keySpec = supportedKeySpec(publicKey, 'csr');
  let verified = false;
  try {
    verified = await csr.verify(webcrypto as Crypto);
  } catch {
    verified = false;
  }
  if (!verified) {
    throw new PkiInputError('csr', `the request's signature does not verify against its own ${describeKeySpec(keySpec)} key`);
  }
  const subject: CsrSubject = {};
  for (const { key, type } of SUBJECT_ATTRIBUTES) {
    const [value] = csr.subjectName.getField(type);
    if (value !== undefined) subject[key] = value;
  }
  const san = csr.getExtension(SUBJECT_ALT_NAME_OID) as SubjectAlternativeNameExtension | null;
  const entries = san ? san.names.items.map((item) => ({ type: item.type, value: item.value })) : [];
  return {
    pem: toPem('CERTIFICATE REQUEST', new Uint8Array(csr.rawData)),
    subject,
    subjectAltNames: entries.map((entry) => entry.value),
    subjectAltNameEntries: entries,
    subjectName: csr.subject,
    publicKeySha256: createHash('sha256').update(Buffer.from(csr.publicKey.rawData)).digest('hex'),
    publicKey,
    keySpec,
  };
}
