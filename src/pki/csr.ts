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
import { UserError } from '../errors.js';
import { describeKeySpec, type KeySpec } from './key-spec.js';
import { describePublicKey, keySpecOf, readPrivateKey, type PublicKeyInfo } from './keys.js';
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
 * the plugin parameter each comes from (used in error messages) and RFC 5280's
 * upper bound on its length.
 */
const SUBJECT_ATTRIBUTES: ReadonlyArray<{ key: keyof CsrSubject; type: string; field: string; max: number }> = [
  { key: 'country', type: 'C', field: 'sectigo_csr_country', max: 2 },
  { key: 'state', type: 'ST', field: 'sectigo_csr_state', max: 128 },
  { key: 'locality', type: 'L', field: 'sectigo_csr_location', max: 128 },
  { key: 'organization', type: 'O', field: 'sectigo_csr_organization', max: 64 },
  { key: 'organizationalUnit', type: 'OU', field: 'sectigo_csr_organization_unit', max: 64 },
  { key: 'commonName', type: 'CN', field: 'sectigo_csr_domain', max: 64 },
  { key: 'emailAddress', type: 'E', field: 'sectigo_csr_email_address', max: 128 },
];

function subjectName(subject: CsrSubject): Name {
  const rdns: JsonNameParams = [];
  for (const { key, type, field, max } of SUBJECT_ATTRIBUTES) {
    const value = subject[key]?.trim();
    if (!value) {
      if (key === 'commonName') throw new UserError(`${field}: required to build a certificate request`);
      continue;
    }
    if (key === 'country' && !/^[A-Za-z]{2}$/.test(value)) {
      throw new UserError(`${field}: ${JSON.stringify(value)} is not a two-letter ISO 3166 country code`);
    }
    if (value.length > max) throw new UserError(`${field}: longer than ${max} characters`);
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

/** A PKCS#10 request signed by `privateKeyPem` (RSA: SHA-256; EC: the curve's hash). */
export async function buildCsr(input: BuildCsrInput): Promise<string> {
  const privateKey = readPrivateKey(input.privateKeyPem);
  const spec = supportedSpec(describePublicKey(createPublicKey(privateKey)), 'sectigo_private_key');
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

function supportedSpec(info: PublicKeyInfo, field: string): KeySpec {
  const spec = keySpecOf(info);
  if (!spec) {
    const found = [info.algorithm, info.curve ?? info.bits].filter(Boolean).join(' ');
    throw new UserError(
      `${field}: ${found} keys are not supported (use RSA 2048, 3072 or 4096, or EC P-256, P-384 or P-521)`,
    );
  }
  return spec;
}

const SUBJECT_ALT_NAME_OID = '2.5.29.17';

/** Structural decode only (no signature check): shared with the key-match checks. */
export function decodeCsr(pem: string, field = 'sectigo_csr'): Pkcs10CertificateRequest {
  const block = findPemBlocks(pem).find((b) => /^(NEW )?CERTIFICATE REQUEST$/.test(b.label));
  if (!block) {
    throw new UserError(
      `${field}: not a PEM certificate request (perhaps a file path was passed instead of its contents?)`,
    );
  }
  try {
    return new Pkcs10CertificateRequest(block.der);
  } catch {
    throw new UserError(`${field}: the PEM certificate request could not be decoded (damaged or truncated?)`);
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
export async function parseCsr(pem: string, field = 'sectigo_csr'): Promise<ParsedCsr> {
  const csr = decodeCsr(pem, field);
  const publicKey = describePublicKey(createPublicKey({ key: Buffer.from(csr.publicKey.rawData), format: 'der', type: 'spki' }));
  const keySpec = supportedSpec(publicKey, field);
  let verified = false;
  try {
    verified = await csr.verify(webcrypto as Crypto);
  } catch {
    verified = false;
  }
  if (!verified) {
    throw new UserError(`${field}: the request's signature does not verify against its own ${describeKeySpec(keySpec)} key`);
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
