/**
 * SSL certificate endpoints (`/ssl/v1`, reference/scm-api.md §4). Reads are
 * idempotent and retried; every POST is not (see retry.ts).
 */
import type { JSONSchemaType } from 'ajv';
import { collectCertificate, type CollectFormat } from './collect-certificate.js';
import { compileResponseSchema, readJson, readJsonArray } from './response-body.js';
import {
  idPath,
  type CallOptions,
  type CertProfile,
  type CustomFieldDefinition,
  type CustomFieldValue,
  type DcvMode,
  type RevokeRequest,
  type ScmCaller,
} from './types.js';

export interface SslEnrollRequest {
  /** Organization or department id. */
  orgId: number;
  /** PEM (with `\n` line breaks) or bare base64. */
  csr: string;
  /** Profile id from `listSslTypes`. */
  certType: number;
  /** Days; one of the profile's `terms`. */
  term: number;
  /** Comma-separated (a string here, unlike replace). */
  subjAltNames?: string;
  comments?: string;
  externalRequester?: string;
  customFields?: CustomFieldValue[];
  dcvMode?: DcvMode;
  dcvEmail?: string;
  /** Legacy fields still sent by the Sectigo plugin; SCM ignores them. */
  numberServers?: number;
  serverType?: number;
}

export interface SslEnrollResult {
  sslId: number;
  /** Opaque id for `renewSsl`; documented, but not every SCM version sends it. */
  renewId?: string;
}

const enrollResultSchema: JSONSchemaType<SslEnrollResult> = {
  type: 'object',
  properties: { sslId: { type: 'integer' }, renewId: { type: 'string', nullable: true } },
  required: ['sslId'],
};
const validateEnrollResult = compileResponseSchema(enrollResultSchema);

/** Title case, as on the wire. */
export type SslStatus =
  | 'Requested' | 'Approved' | 'Applied' | 'Issued' | 'Declined' | 'Rejected' | 'Invalid'
  | 'Revoked' | 'Expired' | 'Replaced' | 'Init' | 'SAApproved' | 'SA Approved' | 'Unmanaged';

/** `GET /ssl/v1/{sslId}`. SCM omits absent fields; dates are `MM/dd/yyyy`. */
export interface SslDetails {
  id: number;
  sslId?: number;
  commonName: string;
  orgId?: number;
  status: SslStatus;
  orderNumber?: number;
  backendCertId?: string;
  certType?: CertProfile;
  term?: number;
  requested?: string;
  approved?: string;
  declined?: string;
  issued?: string;
  expires?: string;
  revoked?: string;
  reasonCode?: number;
  renewed?: boolean;
  renewedDate?: string;
  serialNumber?: string;
  keyAlgorithm?: string;
  keyType?: string;
  subjectAlternativeNames?: string[];
  customFields?: CustomFieldValue[];
  [field: string]: unknown;
}

const validateDetails = compileResponseSchema<SslDetails>({
  type: 'object',
  properties: { id: { type: 'integer' }, commonName: { type: 'string' }, status: { type: 'string' } },
  required: ['id', 'status'],
});

/** A type alias (not an interface) so it passes as query parameters. */
export type SslListQuery = {
  size?: number;
  position?: number;
  commonName?: string;
  subjectAlternativeName?: string;
  status?: SslStatus;
  sslTypeId?: number;
  orgId?: number;
  serialNumber?: string;
  externalRequester?: string;
  requester?: string;
};

export interface SslListItem {
  sslId: number;
  commonName?: string;
  subjectAlternativeNames?: string[];
  serialNumber?: string;
}

export interface SslListPage {
  items: SslListItem[];
  /** From `X-Total-Count`; null when SCM did not send it. */
  total: number | null;
}

export interface SslRenewRequest {
  /** A fresh CSR; without it SCM reuses the old one. */
  csr?: string;
  dcvMode?: DcvMode;
  dcvEmail?: string;
}

export interface SslRenewByIdResult {
  /** The NEW certificate's id; null when SCM answered 204 without a body (older SCM). */
  sslId: number | null;
}

export interface SslReplaceRequest {
  csr: string;
  /** 1..512 characters. */
  reason: string;
  commonName?: string;
  /** An array here, unlike enroll's comma string. */
  subjectAlternativeNames?: string[];
  dcvMode?: DcvMode;
  dcvEmail?: string;
}

const renewByIdSchema: JSONSchemaType<{ sslId: number }> = {
  type: 'object',
  properties: { sslId: { type: 'integer' } },
  required: ['sslId'],
};
const validateRenewById = compileResponseSchema(renewByIdSchema);

export async function listSslTypes(call: ScmCaller, orgId?: number, options: CallOptions = {}): Promise<CertProfile[]> {
  const response = await call({ method: 'GET', path: '/ssl/v1/types', query: { organizationId: orgId }, idempotent: true, ...options });
  return readJsonArray<CertProfile>(response, 'SSL types');
}

export async function listSslCustomFields(call: ScmCaller, options: CallOptions = {}): Promise<CustomFieldDefinition[]> {
  const response = await call({ method: 'GET', path: '/ssl/v1/customFields', idempotent: true, ...options });
  return readJsonArray<CustomFieldDefinition>(response, 'SSL custom fields');
}

export async function enrollSsl(call: ScmCaller, request: SslEnrollRequest, options: CallOptions = {}): Promise<SslEnrollResult> {
  const response = await call({ method: 'POST', path: '/ssl/v1/enroll', body: request, idempotent: false, ...options });
  const { sslId, renewId } = readJson(response, 'SSL enroll', validateEnrollResult);
  return renewId == null ? { sslId } : { sslId, renewId };
}

export async function collectSsl(call: ScmCaller, sslId: number, format: CollectFormat = 'base64', options: CallOptions = {}): Promise<string> {
  return collectCertificate(call, idPath`/ssl/v1/collect/${sslId}`, format, options);
}

export async function getSsl(call: ScmCaller, sslId: number, options: CallOptions = {}): Promise<SslDetails> {
  const response = await call({ method: 'GET', ...idPath`/ssl/v1/${sslId}`, idempotent: true, ...options });
  return readJson(response, 'SSL details', validateDetails);
}

export async function listSsl(call: ScmCaller, query: SslListQuery = {}, options: CallOptions = {}): Promise<SslListPage> {
  const response = await call({ method: 'GET', path: '/ssl/v1', query: { ...query }, idempotent: true, ...options });
  const total = Number.parseInt(response.headers['x-total-count'] ?? '', 10);
  return { items: readJsonArray<SslListItem>(response, 'SSL list'), total: Number.isNaN(total) ? null : total };
}

export async function revokeSsl(call: ScmCaller, sslId: number, request: RevokeRequest, options: CallOptions = {}): Promise<void> {
  await call({ method: 'POST', ...idPath`/ssl/v1/revoke/${sslId}`, body: request, idempotent: false, ...options });
}

export async function renewSslById(call: ScmCaller, sslId: number, request: SslRenewRequest = {}, options: CallOptions = {}): Promise<SslRenewByIdResult> {
  const response = await call({ method: 'POST', ...idPath`/ssl/v1/renewById/${sslId}`, body: request, idempotent: false, ...options });
  if (response.body.length === 0) return { sslId: null };
  return { sslId: readJson(response, 'SSL renewById', validateRenewById).sslId };
}

export async function renewSsl(call: ScmCaller, renewId: string, request: SslRenewRequest = {}, options: CallOptions = {}): Promise<void> {
  await call({ method: 'POST', ...idPath`/ssl/v1/renew/${renewId}`, body: request, idempotent: false, ...options });
}

export async function replaceSsl(call: ScmCaller, sslId: number, request: SslReplaceRequest, options: CallOptions = {}): Promise<void> {
  await call({ method: 'POST', ...idPath`/ssl/v1/replace/${sslId}`, body: request, idempotent: false, ...options });
}

export async function approveSsl(call: ScmCaller, sslId: number, message: string, options: CallOptions = {}): Promise<void> {
  await call({ method: 'POST', ...idPath`/ssl/v1/approve/${sslId}`, body: { message }, idempotent: false, ...options });
}

export async function declineSsl(call: ScmCaller, sslId: number, message: string, options: CallOptions = {}): Promise<void> {
  await call({ method: 'POST', ...idPath`/ssl/v1/decline/${sslId}`, body: { message }, idempotent: false, ...options });
}
