/**
 * `issue`, `sign` and `sign-verbatim` over SCM: the role's rules are checked
 * in Vault's words, the ttl becomes an SCM term, and the order goes through
 * the lifecycle's enroll (intent, idempotency, stored record, collect), so
 * nothing here orders or stores by itself.
 *
 * SCM may take longer to issue than a client waits. A `sign` carries an
 * idempotency key derived from the role and the CSR's content (its key, its
 * subject and names: not its bytes, so an EC request signed again with the
 * same key is still the same request), so a client that retries while SCM
 * has not issued gets the first order back and never buys a second
 * certificate. Until SCM issues, the answer is a NotReadyError (503 with
 * Retry-After, which Vault's Go client and so cert-manager retry by itself).
 */
import { createHash } from 'node:crypto';
import { NotReadyError, UpstreamError, UserError } from '../errors.js';
import { enrollCertificate, type EnrollDeps } from '../lifecycle/enroll.js';
import { currentStatus, isAwaitingIssue, type CertificateRecord } from '../lifecycle/record.js';
import { parseCsr, type ParsedCsr } from '../pki/index.js';
import { checkNamesAgainstRole, type RequestedNames } from './name-policy.js';
import type { PkiRole } from './role.js';
import { termForTtl } from './term.js';

/** How long one request waits for SCM before answering "not yet": below hvac's 30 s and the Go client's 60 s. */
export const PKI_COLLECT_WAIT_S = 20;
const RETRY_AFTER_S = 5;

export type IssueMode = 'issue' | 'sign' | 'sign-verbatim';

export interface PkiIssueRequest {
  mount: string;
  roleName: string;
  role: PkiRole;
  mode: IssueMode;
  common_name: string;
  alt_names: string[];
  ip_sans: string[];
  uri_sans: string[];
  /** Seconds; 0 = the role's. */
  ttl: number;
  exclude_cn_from_sans: boolean;
  csr?: string;
  /** Caller's key for `issue` retries (header or field); `sign` derives its own. */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export interface PkiIssueResult {
  record: CertificateRecord;
  warnings: string[];
}

/** Vault's role check on the request's key: its type, and at least the role's size. */
function checkKeyAgainstRole(role: PkiRole, csr: ParsedCsr): void {
  const spec = csr.keySpec;
  if (role.key_type === 'any') return;
  const type = spec.algorithm === 'RSA' ? 'rsa' : 'ec';
  if (type !== role.key_type) throw new UserError(`role requires keys of type ${role.key_type}`);
  if (role.key_bits === 0) return;
  const bits = spec.algorithm === 'RSA' ? spec.bits : Number(spec.curve.slice(2));
  if (bits < role.key_bits) throw new UserError(`role requires a minimum of a ${role.key_bits}-bit key`);
}

function namesOfCsr(csr: ParsedCsr): RequestedNames {
  const of = (...types: string[]) => csr.subjectAltNameEntries.filter((entry) => types.includes(entry.type)).map((entry) => entry.value);
  return { commonName: csr.subject.commonName ?? '', altNames: of('dns', 'email'), ipSans: of('ip'), uriSans: of('url') };
}

/** The names SCM is asked for: DNS names and IPs, the CN first unless excluded, each once. */
function sansForScm(names: RequestedNames, excludeCn: boolean): string[] {
  const all = [...(excludeCn || names.commonName === '' ? [] : [names.commonName]), ...names.altNames.filter((n) => !n.includes('@')), ...names.ipSans];
  return [...new Set(all)];
}

/** What a CSR asks for: its key, subject and names, not its signature. */
function csrContent(csr: ParsedCsr): string {
  const entries = csr.subjectAltNameEntries.map((entry) => `${entry.type}:${entry.value}`).sort();
  return createHash('sha256').update([csr.publicKeySha256, csr.subjectName, ...entries].join('\n')).digest('hex');
}

/** The same role and the same CSR content give the same key, for the idempotency ledger's 24 h. */
function signIdempotencyKey(req: PkiIssueRequest, csr: ParsedCsr): string {
  return `pki:${createHash('sha256').update([req.mode, req.mount, req.roleName, csrContent(csr)].join('\n')).digest('hex')}`;
}

export async function issueWithRole(deps: EnrollDeps, req: PkiIssueRequest): Promise<PkiIssueResult> {
  const { role } = req;
  const config = await deps.configs.require(role.config);
  let names: RequestedNames;
  let parsedCsr: ParsedCsr | undefined;
  if (req.mode === 'issue') {
    if (role.key_type === 'any') throw new UserError('role key type "any" not allowed for issuing certificates, only signing');
    if (req.common_name === '') throw new UserError('the common_name field is required, or must be provided in a CSR with "use_csr_common_name" set to true, unless "require_cn" is set to false');
    names = { commonName: req.common_name, altNames: req.alt_names, ipSans: req.ip_sans, uriSans: req.uri_sans };
  } else {
    if (!req.csr) throw new UserError('csr: required: the PEM certificate signing request to sign');
    parsedCsr = await parseCsr(req.csr);
    names = namesOfCsr(parsedCsr);
    checkKeyAgainstRole(role, parsedCsr);
  }
  if (req.mode === 'sign-verbatim') {
    // Verbatim signing sends the request to SCM as it is, skipping the name rules: only a role that allows any name may do that.
    if (!role.allow_any_name) throw new UserError(`role ${req.roleName} does not allow sign-verbatim: it skips the role's name checks, so the role needs allow_any_name=true`);
  } else {
    checkNamesAgainstRole(role, names, req.mode === 'issue' ? 'the API' : 'CSR');
  }
  if (names.uriSans.length > 0) {
    throw new UserError('uri_sans: SCM SSL certificates carry DNS names and IP addresses only; a URI subject alternative name cannot be ordered');
  }
  const term = await termForTtl(deps, config, role, req.ttl);
  const configWait = Number(config.enroll_defaults.sectigo_max_timeout);
  const data: Record<string, unknown> = {
    sectigo_ssl_cert_subject_alt_names: sansForScm(names, req.exclude_cn_from_sans),
    sectigo_max_timeout: Number.isFinite(configWait) ? Math.min(configWait, PKI_COLLECT_WAIT_S) : PKI_COLLECT_WAIT_S,
    ...(term.days !== undefined && { sectigo_ssl_cert_validity: term.days }),
  };
  if (parsedCsr) {
    data.sectigo_csr = parsedCsr.pem;
  } else {
    data.sectigo_csr_domain = names.commonName;
    data.sectigo_csr_key_algo = role.key_type === 'ec' ? 'EC' : 'RSA';
    // Always said, so a size among the config entry's enroll defaults cannot override the role.
    data.sectigo_csr_key_size = role.key_type === 'ec' ? `P-${role.key_bits || 256}` : role.key_bits || 2048;
  }
  const idempotencyKey = parsedCsr ? signIdempotencyKey(req, parsedCsr) : req.idempotencyKey;
  // A retried sign is the same request when the CSR's content is: its bytes may differ (a new EC signature).
  const payload = parsedCsr ? { ...data, sectigo_csr: csrContent(parsedCsr) } : undefined;
  const sameRequestBy = parsedCsr ? `returning the certificate of the first ${req.mode} request for this CSR and role` : undefined;
  const result = await enrollCertificate(deps, config.name, data, { idempotencyKey, payload, sameRequestBy, signal: req.signal });
  const record = ensureIssued(result.record, req);
  return { record, warnings: [...term.warnings, ...result.warnings] };
}

function ensureIssued(record: CertificateRecord, req: PkiIssueRequest): CertificateRecord {
  if (record.leaf_certificate !== '') return record;
  if (isAwaitingIssue(record)) {
    const retry =
      req.mode === 'issue'
        ? req.idempotencyKey
          ? 'retry with the same idempotency_key to get it (no second order is placed)'
          : `its key is stored with the record: read certs/${record.config_name}/${record.cert_unique_id} on the Sectigo engine, or send an idempotency_key next time so a retry returns it`
        : 'retry the same request: it returns this order once SCM has issued it, and never places a second one';
    throw new NotReadyError(`SCM has not issued the certificate yet (order ${record.cert_unique_id}, status ${currentStatus(record)}); ${retry}`, RETRY_AFTER_S);
  }
  const fault = record.last_error;
  throw new UpstreamError(`SCM did not issue the certificate (order ${record.cert_unique_id}, status ${currentStatus(record)})${fault ? `: SCM error ${fault.code}: ${fault.description}` : ''}`);
}

/**
 * A role with no_store: once `issue` has handed out the key it generated, the
 * record keeps only the certificate (it stays, since SCM orders are collected,
 * listed and revoked through it).
 */
export async function forgetPrivateKey(deps: Pick<EnrollDeps, 'records'>, record: CertificateRecord): Promise<void> {
  await deps.records.update(record.config_name, record.cert_unique_id, (current) =>
    current.private_key === '' ? undefined : { records: [{ ...current, private_key: '' }] },
  );
}
