/**
 * The enroll payload (SPEC §4.2): the plugin's `sectigo_*` fields with their
 * typing quirks, the schema that validates them, and the mapping to SCM's
 * enroll bodies. The same schema validates the request (framework) and the
 * request merged over the config entry's defaults (here), so a default stored
 * as `"365"` is as good as a request's `365`.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import type { FieldSchema } from '../field-schema.js';
import { UserError } from '../errors.js';
import { splitSubjectAltNames } from '../pki/subject-alt-names.js';
import type { CertificateType } from './record.js';

const text = (description: string, maxLength = 256): FieldSchema => ({ type: 'string', maxLength, description });
/** SCM's ids and terms are Java ints: a larger number is refused here rather than by SCM. */
export const SCM_INT_MAX = 2_147_483_647;
const scmInt = (description: string, minimum: number): FieldSchema => ({ type: 'integer', minimum, maximum: SCM_INT_MAX, description });

const customFields = (description: string): FieldSchema => ({
  type: 'array',
  maxItems: 64,
  items: {
    type: 'object',
    required: ['name', 'value'],
    properties: { name: { type: 'string', minLength: 1, maxLength: 256 }, value: { type: ['string', 'number', 'boolean'] } },
  },
  description,
});

/** Fields both families share, and the ones every collect-capable path (certs, renew) accepts too. */
export const collectFields = {
  sectigo_max_timeout: { type: 'number', minimum: 0, maximum: 86_400, description: 'Seconds to keep collecting before answering TimedoutStateSaved (default 60)' },
  sectigo_loop_period: { type: 'number', minimum: 0.1, maximum: 3_600, description: 'Seconds between collect attempts (default 5)' },
} satisfies Record<string, FieldSchema>;

export const renewPolicyFields = {
  sectigo_auto_renew: { type: 'boolean', description: 'Renew automatically when the certificate is within its expiry window (default false)' },
  sectigo_expiry_window: { type: 'integer', minimum: 1, maximum: 3_650, description: 'Days before expiry at which auto-renew starts (default 30)' },
} satisfies Record<string, FieldSchema>;

export const enrollFields = {
  // SSL subject and key
  sectigo_csr_domain: text('Common name of the certificate (CSR CN)', 64),
  sectigo_csr_email_address: text('CSR subject emailAddress', 128),
  sectigo_csr_organization: text('CSR subject O', 64),
  sectigo_csr_organization_unit: text('CSR subject OU', 64),
  sectigo_csr_location: text('CSR subject L', 128),
  sectigo_csr_state: text('CSR subject ST', 128),
  sectigo_csr_country: text('CSR subject C (two letters)', 2),
  sectigo_csr_key_algo: { type: 'string', maxLength: 16, description: 'Key algorithm: RSA, EC or ECDSA (default RSA)' },
  sectigo_csr_key_size: { type: ['string', 'integer'], maxLength: 16, description: 'RSA bits (2048, 3072, 4096) or EC curve (P256, P-384, 521, …); "2048" and 2048 both work' },
  // SSL order
  sectigo_ssl_cert_type: scmInt('SCM SSL certificate profile id (certType)', 1),
  sectigo_ssl_cert_validity: scmInt('Term in days; must be one of the profile\'s terms', 1),
  sectigo_ssl_cert_format_type: text('Collect format: x509, x509CO, pem, pemia, x509R, base64, … (default x509)', 16),
  sectigo_ssl_cert_comments: text('Comments stored with the SCM order', 1024),
  sectigo_ssl_cert_external_requester: text('Comma-separated e-mail addresses notified by SCM', 512),
  sectigo_ssl_cert_subject_alt_names: { type: ['string', 'array'], maxLength: 65_536, maxItems: 1_000, items: { type: 'string', maxLength: 1_024 }, description: 'Subject alternative names: comma string or array; also put into the CSR' },
  sectigo_ssl_cert_num_servers: scmInt('Legacy SCM numberServers', 0),
  sectigo_ssl_cert_server_type: scmInt('Legacy SCM serverType (-1 = other)', -1),
  sectigo_ssl_cert_custom_fields: customFields('SCM custom fields: [{"name":…, "value":…}]'),
  // client (S/MIME)
  sectigo_client_cert_type: scmInt('SCM client certificate profile id (certType)', 1),
  sectigo_client_cert_validity: scmInt('Term in days; must be one of the profile\'s terms', 1),
  sectigo_client_cert_first_name: text('First name of the certificate holder', 64),
  sectigo_client_cert_middle_name: text('Middle name of the certificate holder', 64),
  sectigo_client_cert_last_name: text('Last name of the certificate holder', 64),
  sectigo_client_cert_email: { type: 'string', format: 'email', maxLength: 128, description: 'E-mail address of the certificate holder' },
  sectigo_client_cert_custom_fields: customFields('SCM custom fields: [{"name":…, "value":…}]'),
  // both
  sectigo_cm_org_id: scmInt('SCM organization or department id (overrides the config entry)', 1),
  sectigo_csr: { type: 'string', maxLength: 32_767, description: 'PEM CSR to send instead of generating one' },
  sectigo_private_key: { type: 'string', maxLength: 16_384, secret: true, description: 'PEM private key to use (and store) instead of generating one' },
  ...collectFields,
  ...renewPolicyFields,
  idempotency_key: text('Retrying with the same key returns the first result and never orders twice (24 h)', 256),
  // Older plugin samples carry credentials in the enroll payload; accepted, never used or stored.
  sectigo_cm_user: text('Ignored: the config entry\'s credentials are used'),
  sectigo_cm_password: { type: 'string', maxLength: 1024, secret: true, description: 'Ignored: the config entry\'s credentials are used' },
} satisfies Record<string, FieldSchema>;

export interface CustomField {
  name: string;
  value: string | number | boolean;
}

/** The enroll payload after defaults are merged and types settled. */
export interface EnrollRequest {
  sectigo_csr_domain?: string;
  sectigo_csr_email_address?: string;
  sectigo_csr_organization?: string;
  sectigo_csr_organization_unit?: string;
  sectigo_csr_location?: string;
  sectigo_csr_state?: string;
  sectigo_csr_country?: string;
  sectigo_csr_key_algo: string;
  /** Absent: the algorithm's usual size (pki's parseKeySpec). */
  sectigo_csr_key_size?: string | number;
  sectigo_ssl_cert_type?: number;
  sectigo_ssl_cert_validity?: number;
  sectigo_ssl_cert_format_type: string;
  sectigo_ssl_cert_comments?: string;
  sectigo_ssl_cert_external_requester?: string;
  sectigo_ssl_cert_subject_alt_names?: string | string[];
  sectigo_ssl_cert_num_servers?: number;
  sectigo_ssl_cert_server_type?: number;
  sectigo_ssl_cert_custom_fields?: CustomField[];
  sectigo_client_cert_type?: number;
  sectigo_client_cert_validity?: number;
  sectigo_client_cert_first_name?: string;
  sectigo_client_cert_middle_name?: string;
  sectigo_client_cert_last_name?: string;
  sectigo_client_cert_email?: string;
  sectigo_client_cert_custom_fields?: CustomField[];
  sectigo_cm_org_id?: number;
  sectigo_csr?: string;
  sectigo_private_key?: string;
  sectigo_max_timeout: number;
  sectigo_loop_period: number;
  sectigo_auto_renew: boolean;
  sectigo_expiry_window: number;
  idempotency_key?: string;
}

export const ENROLL_DEFAULTS = {
  sectigo_csr_key_algo: 'RSA',
  sectigo_ssl_cert_format_type: 'x509',
  sectigo_max_timeout: 60,
  sectigo_loop_period: 5,
  sectigo_auto_renew: false,
  sectigo_expiry_window: 30,
} as const;

const ajv = new Ajv({ coerceTypes: true, allErrors: false, strict: false });
ajv.addFormat('email', /^[^\s@]+@[^\s@]+\.[^\s@]+$/);

function toAjvSchema(fields: Record<string, FieldSchema>): object {
  const properties: Record<string, object> = {};
  for (const [name, { description: _d, secret: _s, ...schema }] of Object.entries(fields)) properties[name] = schema;
  return { type: 'object', properties };
}

/** Compiled on the first enroll rather than at start. */
let validateMerged: ValidateFunction | undefined;

/**
 * CLI `k=v` pairs and some config defaults arrive as strings; a JSON-looking
 * custom-fields string is what `sectigo_ssl_cert_custom_fields='[…]'` sends.
 */
function decodeJsonStrings(data: Record<string, unknown>): Record<string, unknown> {
  const out = { ...data };
  for (const name of ['sectigo_ssl_cert_custom_fields', 'sectigo_client_cert_custom_fields']) {
    const value = out[name];
    if (typeof value !== 'string') continue;
    if (value.trim() === '') {
      delete out[name];
      continue;
    }
    try {
      out[name] = JSON.parse(value);
    } catch {
      throw new UserError(`${name}: not a JSON array of {"name", "value"} objects`);
    }
  }
  return out;
}

/**
 * Config defaults under request values, then plugin defaults under both.
 * Only enroll fields are taken from the config (not its credentials).
 */
export function parseEnrollRequest(
  request: Record<string, unknown>,
  configDefaults: Record<string, unknown> = {},
): EnrollRequest {
  const merged: Record<string, unknown> = { ...ENROLL_DEFAULTS };
  for (const name of Object.keys(enrollFields)) {
    if (name === 'sectigo_cm_user' || name === 'sectigo_cm_password') continue;
    if (configDefaults[name] !== undefined && configDefaults[name] !== null) merged[name] = configDefaults[name];
  }
  const given = (value: unknown) => value !== undefined && value !== null && value !== '';
  // A config's default size belongs to its default algorithm: a request for
  // EC must not inherit "2048" and be told that is not a curve.
  if (given(request.sectigo_csr_key_algo) && !given(request.sectigo_csr_key_size) && !sameAlgorithm(request.sectigo_csr_key_algo, merged.sectigo_csr_key_algo)) {
    delete merged.sectigo_csr_key_size;
  }
  for (const [name, value] of Object.entries(request)) {
    if (name === 'sectigo_cm_user' || name === 'sectigo_cm_password') continue;
    if (given(value)) merged[name] = value;
  }
  const data = decodeJsonStrings(merged);
  validateMerged ??= ajv.compile(toAjvSchema(enrollFields));
  if (!validateMerged(data)) {
    const [error] = validateMerged.errors ?? [];
    const field = error?.instancePath.replace(/^\//, '').split('/')[0] || 'request';
    throw new UserError(`${field}: ${error?.message ?? 'invalid value'}`);
  }
  return data as unknown as EnrollRequest;
}

function sameAlgorithm(a: unknown, b: unknown): boolean {
  const family = (algo: unknown) => (String(algo ?? '').trim().toUpperCase() === 'RSA' ? 'RSA' : 'EC');
  return family(a) === family(b);
}

/** Fields that must be there for each family when the caller gives no CSR. */
export function requireFor(type: CertificateType, req: EnrollRequest): void {
  const needed: Array<keyof EnrollRequest> =
    type === 'ssl_cert'
      ? ['sectigo_ssl_cert_type', 'sectigo_ssl_cert_validity', ...(req.sectigo_csr ? [] : ['sectigo_csr_domain' as const])]
      : ['sectigo_client_cert_type', 'sectigo_client_cert_validity', 'sectigo_client_cert_email', 'sectigo_client_cert_first_name', 'sectigo_client_cert_last_name'];
  for (const name of needed) {
    if (req[name] === undefined) {
      throw new UserError(`${name}: required for a ${type} enroll (in the request or as a config default)`);
    }
  }
}

export function subjectAltNamesOf(req: EnrollRequest): string[] {
  return splitSubjectAltNames(req.sectigo_ssl_cert_subject_alt_names);
}

/** SCM `POST /api/ssl/v1/enroll` body (scm-api.md §4.3). */
export function sslEnrollBody(req: EnrollRequest, orgId: number, csr: string, subjectAltNames: string[]) {
  return {
    orgId,
    csr,
    certType: req.sectigo_ssl_cert_type as number,
    term: req.sectigo_ssl_cert_validity as number,
    subjAltNames: subjectAltNames.join(','),
    comments: req.sectigo_ssl_cert_comments ?? '',
    externalRequester: req.sectigo_ssl_cert_external_requester ?? '',
    customFields: (req.sectigo_ssl_cert_custom_fields ?? []).map(({ name, value }) => ({ name, value: String(value) })),
    numberServers: req.sectigo_ssl_cert_num_servers ?? 1,
    serverType: req.sectigo_ssl_cert_server_type ?? -1,
  };
}

/** SCM `POST /api/smime/v1/enroll` body (scm-api.md §5.2). */
export function clientEnrollBody(req: EnrollRequest, orgId: number, csr: string) {
  return {
    orgId,
    csr,
    certType: req.sectigo_client_cert_type as number,
    term: req.sectigo_client_cert_validity as number,
    email: req.sectigo_client_cert_email as string,
    firstName: req.sectigo_client_cert_first_name as string,
    middleName: req.sectigo_client_cert_middle_name ?? '',
    lastName: req.sectigo_client_cert_last_name as string,
    customFields: (req.sectigo_client_cert_custom_fields ?? []).map(({ name, value }) => ({ name, value: String(value) })),
  };
}

/** Client certificates have no domain; their holder's e-mail plays that part in lists. */
export function clientCommonName(req: EnrollRequest): string {
  return [req.sectigo_client_cert_first_name, req.sectigo_client_cert_middle_name, req.sectigo_client_cert_last_name]
    .filter((part) => part && part.trim() !== '')
    .join(' ');
}
