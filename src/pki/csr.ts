import 'reflect-metadata';
import { createPublicKey, webcrypto } from 'node:crypto';
import {
  Name,
  Pkcs10CertificateRequest,
  Pkcs10CertificateRequestGenerator,
  SubjectAlternativeNameExtension,
  type JsonAttributeObject,
  type JsonNameParams,
} from '@peculiar/x509';
import { PkiInputError } from './input-error.js';
import { describeKeySpec, type KeySpec } from './key-spec.js';
import { describePublicKey, readPrivateKey, supportedKeySpec, type PublicKeyInfo } from './keys.js';
import { findPemBlocks, toPem } from './pem-text.js';
import { toGeneralName } from './subject-alt-names.js';
import { signingAlgorithmFor, toCryptoKeyPair } from './webcrypto-keys.js';

export interface CsrSubject {
  commonName?: string;
  emailAddress?: string;
  organization?: string;
  organizationalUnit?: string;
  locality?: string;
  state?: string;
  country?: string;
}

export interface BuildCsrInput {
  subject: CsrSubject & { commonName: string };
  /** DNS names, IP addresses and email addresses; each gets its own GeneralName type. */
  subjectAltNames?: readonly string[];
  privateKeyPem: string;
}

/**
 * Subject attributes in the conventional most-significant-first order, with
 * RFC 5280's upper bound on their length.
 */
const SUBJECT_ATTRIBUTES: ReadonlyArray<{ key: keyof CsrSubject; type: string; max: number }> = [
  { key: 'country', type: 'C', max: 2 },
  { key: 'state', type: 'ST', max: 128 },
  { key: 'locality', type: 'L', max: 128 },
  { key: 'organization', type: 'O', max: 64 },
  { key: 'organizationalUnit', type: 'OU', max: 64 },
  { key: 'commonName', type: 'CN', max: 64 },
  { key: 'emailAddress', type: 'E', max: 128 },
];

function subjectName(subject: CsrSubject): Name {
  const rdns: JsonNameParams = [];
  for (const { key, type, max } of SUBJECT_ATTRIBUTES) {
    const value = subject[key]?.trim();
    if (!value) {
      if (key === 'commonName') throw new PkiInputError(key, 'required to build a certificate request');
      continue;
    }
    if (key === 'country' && !/^[A-Za-z]{2}$/.test(value)) {
      throw new PkiInputError(key, `${JSON.stringify(value)} is not a two-letter ISO 3166 country code`);
    }
    if (value.length > max) throw new PkiInputError(key, `longer than ${max} characters`);
    rdns.push({ [type]: [encodedValue(type, key === 'country' ? value.toUpperCase() : value)] });
  }
  return new Name(rdns);
}

// Typed values bypass the library's DN-string unescaping, which would
// otherwise rewrite quotes and backslashes inside an organisation name.
function encodedValue(type: string, value: string): JsonAttributeObject {
  if (type === 'E') return { ia5String: value };
  return Name.isPrintableString(value) ? { printableString: value } : { utf8String: value };
}

/**
 * A PKCS#10 request signed by `privateKeyPem` (RSA: SHA-256; EC: the curve's
 * hash). Bad subject, SAN or key input is a PkiInputError.
 */
export async function buildCsr(input: BuildCsrInput): Promise<string> {
  const privateKey = readPrivateKey(input.privateKeyPem);
  const spec = supportedKeySpec(describePublicKey(createPublicKey(privateKey)), 'privateKey');
  const name = subjectName(input.subject);
  const altNames = (input.subjectAltNames ?? []).map(toGeneralName);
  const csr = await Pkcs10CertificateRequestGenerator.create(
    {
      name,
      keys: await toCryptoKeyPair(privateKey, spec),
      signingAlgorithm: signingAlgorithmFor(spec),
      extensions: altNames.length > 0 ? [new SubjectAlternativeNameExtension(altNames)] : [],
    },
    webcrypto as Crypto,
  );
  return toPem('CERTIFICATE REQUEST', new Uint8Array(csr.rawData));
}

const SUBJECT_ALT_NAME_OID = '2.5.29.17';

/** Structural decode only (no signature check): shared with the key-match checks. */
export function decodeCsr(pem: string): Pkcs10CertificateRequest {
  const block = findPemBlocks(pem).find((b) => /^(NEW )?CERTIFICATE REQUEST$/.test(b.label));
  if (!block) {
    throw new PkiInputError('csr', 'not a PEM certificate request (perhaps a file path was passed instead of its contents?)');
  }
  try {
    return new Pkcs10CertificateRequest(block.der);
  } catch {
    throw new PkiInputError('csr', 'the PEM certificate request could not be decoded (damaged or truncated?)');
  }
}

export interface ParsedCsr {
  /** Canonical PEM, 64-column lines. */
  pem: string;
  subject: CsrSubject;
  subjectAltNames: string[];
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
  return {
    pem: toPem('CERTIFICATE REQUEST', new Uint8Array(csr.rawData)),
    subject,
    subjectAltNames: san ? san.names.items.map((item) => item.value) : [],
    publicKey,
    keySpec,
  };
}
