/** Organizations and their departments (reference/scm-api.md §7); a department id is a valid `orgId`. */
import { readJsonArray } from './response-body.js';
import type { CallOptions, ScmCaller } from './types.js';

export interface Department {
  id: number;
  name: string;
  parentName?: string;
  certTypes?: string[];
}

export interface Organization {
  id: number;
  name: string;
  certTypes?: string[];
  departments: Department[];
  [field: string]: unknown;
}

export async function listOrganizations(call: ScmCaller, options: CallOptions = {}): Promise<Organization[]> {
  const response = await call({ method: 'GET', path: '/organization/v1', idempotent: true, ...options });
  return readJsonArray<Organization>(response, 'organization list').map((org) => ({ ...org, departments: org.departments ?? [] }));
}
