/**
 * S/MIME (client certificate) endpoints (reference/scm-api.md §5). Collect,
 * revoke, renew and replace are keyed by `backendCertId` (SCM's path
 * parameter is called "order"; enroll returns it with the same digits as the
 * obsolete `orderNumber`). Renew and replace exist only under `/smime/v2`.
 */
import type { JSONSchemaType } from 'ajv';
import { collectCertificate, type CollectFormat } from './collect-certificate.js';
import { compileResponseSchema, readJson, readJsonArray } from './response-body.js';
import { idPath, type CallOptions, type CertProfile, type CustomFieldValue, type RevokeRequest, type ScmCaller } from './types.js';

export interface SmimeEnrollRequest {
  orgId: number;
  csr: string;
  certType: number;
  term: number;
  email: string;
  firstName: string;
  middleName?: string;
  lastName: string;
  /** Built by SCM from the names when omitted. */
  commonName?: string;
  phone?: string;
  secondaryEmails?: string[];
  eppn?: string;
  upn?: string;
  customFields?: CustomFieldValue[];
  comments?: string;
}

export interface SmimeOrder {
  orderNumber: number;
  backendCertId: string;
}

const orderSchema: JSONSchemaType<SmimeOrder> = {
  type: 'object',
  properties: { orderNumber: { type: 'integer' }, backendCertId: { type: 'string' } },
  required: ['orderNumber', 'backendCertId'],
};
const validateOrder = compileResponseSchema(orderSchema);

export interface SmimeReplaceRequest {
  csr: string;
  reason: string;
  /** Revoke the old certificate as part of the replace. */
  revoke?: boolean;
}

/** A type alias (not an interface) so it passes as query parameters. */
export type SmimeListQuery = {
  size?: number;
  position?: number;
  email?: string;
  backendCertId?: string;
  certTypeId?: number;
  /** Lower case: issued, revoked, expired, … */
  state?: string;
};

/** `GET /smime/v2` items; SCM omits absent fields and writes `null` for a rejected order's ids. */
export interface SmimeListItem {
  id: number;
  /** Lower case: `requested`, `issued`, `revoked`, … */
  state?: string;
  orderNumber?: number;
  backendCertId?: string | null;
  serialNumber?: string;
  expires?: string | null;
  comments?: string;
  /** The certificate's subject, e.g. `CN=Jane Doe,E=jane@example.com` (empty before issue). */
  certificateDetails?: { subject?: string };
}

export async function listSmime(call: ScmCaller, query: SmimeListQuery = {}, options: CallOptions = {}): Promise<SmimeListItem[]> {
  const response = await call({ method: 'GET', path: '/smime/v2', query: { ...query }, idempotent: true, ...options });
  return readJsonArray<SmimeListItem>(response, 'S/MIME list');
}

export async function listSmimeTypes(call: ScmCaller, orgId?: number, options: CallOptions = {}): Promise<CertProfile[]> {
  const response = await call({ method: 'GET', path: '/smime/v1/types', query: { organizationId: orgId }, idempotent: true, ...options });
  return readJsonArray<CertProfile>(response, 'S/MIME types');
}

export async function enrollSmime(call: ScmCaller, request: SmimeEnrollRequest, options: CallOptions = {}): Promise<SmimeOrder> {
  const response = await call({ method: 'POST', path: '/smime/v1/enroll', body: request, idempotent: false, ...options });
  return readJson(response, 'S/MIME enroll', validateOrder);
}

export async function collectSmime(call: ScmCaller, backendCertId: string, format: CollectFormat = 'base64', options: CallOptions = {}): Promise<string> {
  return collectCertificate(call, idPath`/smime/v1/collect/${backendCertId}`, format, options);
}

export async function revokeSmime(call: ScmCaller, backendCertId: string, request: RevokeRequest, options: CallOptions = {}): Promise<void> {
  await call({ method: 'POST', ...idPath`/smime/v1/revoke/order/${backendCertId}`, body: request, idempotent: false, ...options });
}

/** The renewal is a new order with its own ids. */
export async function renewSmime(call: ScmCaller, backendCertId: string, options: CallOptions = {}): Promise<SmimeOrder> {
  const response = await call({ method: 'POST', ...idPath`/smime/v2/renew/order/${backendCertId}`, idempotent: false, ...options });
  return readJson(response, 'S/MIME renew', validateOrder);
}

export async function replaceSmime(call: ScmCaller, backendCertId: string, request: SmimeReplaceRequest, options: CallOptions = {}): Promise<void> {
  await call({ method: 'POST', ...idPath`/smime/v2/replace/order/${backendCertId}`, body: request, idempotent: false, ...options });
}
