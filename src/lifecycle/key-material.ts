/**
 * The key and CSR an order is placed with: the caller's, or built here.
 * Whatever the caller supplies is checked before SCM sees it, because a
 * mismatch found after ordering costs a certificate.
 */
import { createPublicKey } from 'node:crypto';
import { UserError } from '../errors.js';
import {
  buildCsr,
  describePublicKey,
  generateKeyAndCsr,
  keyMatchesCsr,
  keySpecOf,
  parseCsr,
  parseKeySpec,
  readPrivateKey,
  type CsrSubject,
  type KeySpec,
} from '../pki/index.js';
import { clientCommonName, subjectAltNamesOf, type EnrollRequest } from './enroll-request.js';
import { inRequestTerms } from './request-field-names.js';
import type { CertificateType } from './record.js';

export interface KeyMaterial {
  csr: string;
  /** Empty when the caller sent only a CSR: scmpki then never holds the key. */
  privateKey: string;
  keySpec: KeySpec;
  /** CN of the request (SSL), or the holder's e-mail (client). */
  domain: string;
  subjectAltNames: string[];
}

function subjectFor(type: CertificateType, req: EnrollRequest): CsrSubject & { commonName: string } {
  if (type === 'client_cert') {
    return { commonName: clientCommonName(req), emailAddress: req.sectigo_client_cert_email };
  }
  return {
    commonName: req.sectigo_csr_domain ?? '',
    emailAddress: req.sectigo_csr_email_address,
    organization: req.sectigo_csr_organization,
    organizationalUnit: req.sectigo_csr_organization_unit,
    locality: req.sectigo_csr_location,
    state: req.sectigo_csr_state,
    country: req.sectigo_csr_country,
  };
}

/** The kind of a PEM private key; undefined for a kind SCM does not take. */
export function keySpecOfPrivateKey(privateKeyPem: string): KeySpec | undefined {
  return keySpecOf(describePublicKey(createPublicKey(inRequestTerms(() => readPrivateKey(privateKeyPem)))));
}

/** The kind of the caller's `sectigo_private_key`, refused with a 400 when SCM would not take it. */
export function callerKeySpec(privateKeyPem: string): KeySpec {
  const spec = keySpecOfPrivateKey(privateKeyPem);
  if (!spec) throw new UserError('sectigo_private_key: unsupported key type (use RSA 2048/3072/4096 or EC P-256/P-384/P-521)');
  return spec;
}

/** The caller's `sectigo_private_key` must be the key of their `sectigo_csr`. */
export function assertCallerKeyMatchesCsr(privateKeyPem: string, csrPem: string): void {
  if (!inRequestTerms(() => keyMatchesCsr(privateKeyPem, csrPem))) {
    throw new UserError('sectigo_private_key: does not match the public key of sectigo_csr');
  }
}

export function prepareKeyMaterial(type: CertificateType, req: EnrollRequest): Promise<KeyMaterial> {
  return inRequestTerms(() => keyMaterialFor(type, req));
}

async function keyMaterialFor(type: CertificateType, req: EnrollRequest): Promise<KeyMaterial> {
  const requestedSans = type === 'ssl_cert' ? subjectAltNamesOf(req) : [];
  if (req.sectigo_csr) {
    const parsed = await parseCsr(req.sectigo_csr);
    if (req.sectigo_private_key) assertCallerKeyMatchesCsr(req.sectigo_private_key, parsed.pem);
    const sans = requestedSans.length > 0 ? requestedSans : parsed.subjectAltNames;
    return {
      csr: parsed.pem,
      privateKey: req.sectigo_private_key ?? '',
      keySpec: parsed.keySpec,
      domain: type === 'client_cert' ? (req.sectigo_client_cert_email ?? '') : (parsed.subject.commonName ?? req.sectigo_csr_domain ?? ''),
      subjectAltNames: sans,
    };
  }
  const request = {
    subject: subjectFor(type, req),
    subjectAltNames: type === 'client_cert' && req.sectigo_client_cert_email ? [req.sectigo_client_cert_email] : requestedSans,
  };
  let privateKey: string;
  let keySpec: KeySpec;
  let csr: string;
  if (req.sectigo_private_key) {
    privateKey = req.sectigo_private_key;
    keySpec = callerKeySpec(privateKey);
    csr = await buildCsr({ ...request, privateKeyPem: privateKey });
  } else {
    keySpec = parseKeySpec(req.sectigo_csr_key_algo, req.sectigo_csr_key_size);
    ({ privateKeyPem: privateKey, csr } = await generateKeyAndCsr(keySpec, request));
  }
  return {
    csr,
    privateKey,
    keySpec,
    domain: type === 'client_cert' ? (req.sectigo_client_cert_email ?? '') : request.subject.commonName,
    subjectAltNames: requestedSans,
  };
}

/** A fresh key of the same kind and a CSR with the old CSR's subject, for renew with a new key. */
export async function freshKeyForCsr(oldCsrPem: string): Promise<{ csr: string; privateKey: string }> {
  const old = await inRequestTerms(() => parseCsr(oldCsrPem), { csr: 'csr' });
  const { privateKeyPem, csr } = await inRequestTerms(() =>
    generateKeyAndCsr(old.keySpec, {
      subject: { ...old.subject, commonName: old.subject.commonName ?? old.subjectAltNames[0] ?? '' },
      subjectAltNames: old.subjectAltNames,
    }),
  );
  return { csr, privateKey: privateKeyPem };
}
