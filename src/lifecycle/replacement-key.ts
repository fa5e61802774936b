/**
 * The key and CSR a replace sends: the caller's CSR (and key), or a new key
 * with the old CSR's subject, where a new common name and SANs may be asked
 * for. A new key of another kind may be asked for too (after a key
 * compromise, a move from RSA to EC is common).
 */
import { UserError } from '../errors.js';
import {
  buildCsr,
  describeKeySpec,
  generateKeyAndCsr,
  parseCsr,
  parseKeySpec,
  splitSubjectAltNames,
  type CsrRequest,
  type KeySpec,
} from '../pki/index.js';
import { assertCallerKeyMatchesCsr, callerKeySpec, keySpecOfPrivateKey } from './key-material.js';
import { inRequestTerms } from './request-field-names.js';
import type { CertificateRecord } from './record.js';

export interface ReplacementKeyRequest {
  sectigo_csr?: string;
  sectigo_private_key?: string;
  sectigo_csr_key_algo?: string;
  sectigo_csr_key_size?: string | number;
  sectigo_ssl_cert_common_name?: string;
  sectigo_ssl_cert_subject_alt_names?: string | string[];
}

export interface ReplacementKey {
  csr: string;
  /** Empty when the caller sent only a CSR. */
  privateKey: string;
  keySpec: KeySpec;
}

async function keyAndCsr(record: CertificateRecord, req: ReplacementKeyRequest, oldSpec: KeySpec, request: CsrRequest): Promise<ReplacementKey> {
  if (req.sectigo_private_key) {
    const keySpec = callerKeySpec(req.sectigo_private_key);
    return { csr: await buildCsr({ ...request, privateKeyPem: req.sectigo_private_key }), privateKey: req.sectigo_private_key, keySpec };
  }
  const asked = req.sectigo_csr_key_algo !== undefined || req.sectigo_csr_key_size !== undefined;
  const keySpec = asked ? parseKeySpec(req.sectigo_csr_key_algo ?? oldSpec.algorithm, req.sectigo_csr_key_size) : oldSpec;
  // A replace retried after SCM's answer was lost reuses the stored new key, so
  // whatever SCM issues for the first attempt still has its key here.
  const pending = record.pending_replacement?.private_key;
  const pendingSpec = pending ? keySpecOfPrivateKey(pending) : undefined;
  if (pending && pendingSpec && describeKeySpec(pendingSpec) === describeKeySpec(keySpec)) {
    return { csr: await buildCsr({ ...request, privateKeyPem: pending }), privateKey: pending, keySpec };
  }
  const made = await generateKeyAndCsr(keySpec, request);
  return { csr: made.csr, privateKey: made.privateKeyPem, keySpec };
}

/**
 * The caller's own CSR and key, checked on their own (they parse, and the key
 * is the CSR's). An operation that callers share, such as a renewal, checks
 * this first, so a bad input is answered to the caller who sent it and never
 * to another caller who joined the same renewal.
 */
export function checkCallerMaterial(req: CallerMaterial): Promise<void> {
  return inRequestTerms(async () => {
    if (req.sectigo_csr) await callerCsr(req.sectigo_csr, req.sectigo_private_key);
    else if (req.sectigo_private_key) callerKeySpec(req.sectigo_private_key);
  });
}

type CallerMaterial = Pick<ReplacementKeyRequest, 'sectigo_csr' | 'sectigo_private_key'>;

/** The caller's CSR, parsed, with the caller's key when one came and it is the CSR's. */
async function callerCsr(csr: string, privateKey: string | undefined): Promise<ReplacementKey> {
  const parsed = await parseCsr(csr);
  if (privateKey) assertCallerKeyMatchesCsr(privateKey, parsed.pem);
  return { csr: parsed.pem, privateKey: privateKey ?? '', keySpec: parsed.keySpec };
}

export function replacementKey(record: CertificateRecord, req: ReplacementKeyRequest): Promise<ReplacementKey> {
  return inRequestTerms(() => replacementKeyFor(record, req));
}

async function replacementKeyFor(record: CertificateRecord, req: ReplacementKeyRequest): Promise<ReplacementKey> {
  if (req.sectigo_csr) return callerCsr(req.sectigo_csr, req.sectigo_private_key);
  if (!record.csr) {
    throw new UserError('sectigo_csr: this record has no CSR to take the subject from (it was fetched from SCM); send sectigo_csr');
  }
  const storedCsr = record.csr;
  const old = await inRequestTerms(() => parseCsr(storedCsr), { csr: 'csr' });
  const askedSans = splitSubjectAltNames(req.sectigo_ssl_cert_subject_alt_names);
  const commonName = req.sectigo_ssl_cert_common_name?.trim() || old.subject.commonName || old.subjectAltNames[0] || '';
  return keyAndCsr(record, req, old.keySpec, {
    subject: { ...old.subject, commonName },
    subjectAltNames: askedSans.length > 0 ? askedSans : old.subjectAltNames,
  });
}
