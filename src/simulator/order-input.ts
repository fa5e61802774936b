/**
 * Field checks shared by SSL and S/MIME enrollment, with SCM's codes: -7 for
 * a missing field, -1601 for a bad value, then the business rules (org,
 * profile, term, custom fields). Jackson coerces "103" to 103, so we do too.
 */
import { isIP } from 'node:net';
import { findOrgUnit, type CertificateProfile, type CustomField, type Department } from './catalog.js';
import { scm } from './scm-reply.js';
import type { NameValue } from './state.js';

type Body = Record<string, unknown>;

export function requiredInt(body: Body, field: string): number {
  const value = body[field];
  if (value === undefined || value === null || value === '') throw scm.missing(field);
  return toInt(value, field);
}

export function optionalInt(body: Body, field: string): number | undefined {
  const value = body[field];
  return value === undefined || value === null || value === '' ? undefined : toInt(value, field);
}

function toInt(value: unknown, field: string): number {
  const number = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number)) throw scm.invalidField(field);
  return number;
}

export function optionalString(body: Body, field: string, maxLength: number): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > maxLength) throw scm.invalidField(field);
  return value;
}

export function requiredString(body: Body, field: string, maxLength: number): string {
  const value = optionalString(body, field, maxLength);
  if (value === undefined || value.trim() === '') throw scm.missing(field);
  return value;
}

export function optionalStringArray(body: Body, field: string): string[] {
  const value = body[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw scm.invalidField(field);
  return value as string[];
}

/** The org or department named by `orgId`, if it lets the API manage this kind of certificate. */
export function apiEnabledOrgUnit(orgId: number, kind: 'ssl' | 'smime'): Department | Omit<Department, 'parentName'> {
  if (orgId < 1) throw scm.invalidField('orgId');
  const unit = findOrgUnit(orgId);
  if (!unit) throw scm.invalidOrg();
  if (kind === 'ssl' && !unit.sslCertsApiEnabled) {
    throw scm.notAuthorized(`SSL certificate operations via the REST API for organization ${orgId}`);
  }
  if (kind === 'smime' && !unit.clientCertsApiEnabled) {
    throw scm.notAuthorized(`client certificate operations via the REST API for organization ${orgId}`);
  }
  return unit;
}

export function checkTerm(term: number, profile: CertificateProfile): void {
  if (!profile.terms.includes(term)) throw scm.invalidTerm();
}

export function checkCustomFields(body: Body, defined: CustomField[]): NameValue[] {
  const value = body.customFields ?? [];
  const valid =
    Array.isArray(value) &&
    value.every(
      (f) =>
        typeof f === 'object' &&
        f !== null &&
        typeof f.name === 'string' &&
        f.name.length >= 1 &&
        f.name.length <= 256 &&
        (f.value === undefined || (typeof f.value === 'string' && f.value.length <= 256)),
    );
  if (!valid) throw scm.invalidField('customFields');
  const given = (value as NameValue[]).map(({ name, value: v }) => ({ name, value: v ?? '' }));
  for (const field of given) {
    if (!defined.some((d) => d.name === field.name)) throw scm.unknownCustomField(field.name);
  }
  for (const field of defined) {
    if (field.mandatory && !given.some((g) => g.name === field.name && g.value.trim() !== '')) {
      throw scm.missingCustomField();
    }
  }
  return given;
}

export function commaList(value: unknown, field: string): string[] {
  if (value === undefined || value === null || value === '') return [];
  if (typeof value !== 'string') throw scm.invalidField(field);
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

const HOST = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

/** SCM answers -1601 naming the field when a SAN is not a host name or IP address. */
export function checkSubjectAltNames(names: string[], field: string): void {
  for (const name of names) {
    if (name.length > 253 || !(HOST.test(name) || isIP(name) !== 0)) {
      throw scm.invalidField(field);
    }
  }
}
