/**
 * What a fresh SCM tenant holds before anyone enrolls: organizations with
 * their API switches, SSL and S/MIME certificate profiles, custom fields.
 * Ids are in separate ranges (orgs 1xxx, SSL profiles 2xxx, S/MIME 3xxx) so a
 * client that sends an org id as a profile id fails loudly.
 */
export interface Department {
  id: number;
  name: string;
  parentName: string;
  sslCertsApiEnabled: boolean;
  clientCertsApiEnabled: boolean;
  /** Profiles this department may use; `organizationId` on `types` filters by it. */
  profileIds: number[];
}

export interface Organization extends Omit<Department, 'parentName'> {
  departments: Department[];
}

export interface CertificateProfile {
  id: number;
  name: string;
  description: string;
  terms: number[];
  keyTypes: Record<string, string[]>;
  useSecondaryOrgName: boolean;
  /** Not on the wire: lets tests reach SCM's -180 "profile doesn't allow renew". */
  renewable: boolean;
}

export interface CustomField {
  id: number;
  name: string;
  mandatory: boolean;
}

const ALL_KEYS = { RSA: ['2048', '3072', '4096'], EC: ['P-256', 'P-384', 'P-521'] };

export const SSL_PROFILES: CertificateProfile[] = [
  profile(2001, 'Sectigo OV SSL (simulated)', [365, 730], ALL_KEYS),
  profile(2002, 'Sectigo OV Multi Domain SSL (simulated)', [365, 730], ALL_KEYS),
  profile(2003, 'Sectigo OV Wildcard SSL (simulated)', [365], ALL_KEYS),
  profile(2004, 'Sectigo ECC OV SSL (simulated)', [365], { EC: ['P-256', 'P-384'] }),
  profile(2005, 'Sectigo EV SSL (simulated)', [365], { RSA: ['2048', '3072', '4096'] }),
  { ...profile(2006, 'Sectigo OV SSL, no renewal (simulated)', [365], ALL_KEYS), renewable: false },
];

export const SMIME_PROFILES: CertificateProfile[] = [
  profile(3001, 'Sectigo SMIME (simulated)', [365, 730], { RSA: ['2048', '3072', '4096'], EC: ['P-256', 'P-384'] }),
  profile(3002, 'GÉANT Personal email signing and encryption (simulated)', [365], { RSA: ['2048', '3072', '4096'] }),
];

const ALL_PROFILE_IDS = [...SSL_PROFILES, ...SMIME_PROFILES].map((p) => p.id);

export const ORGANIZATIONS: Organization[] = [
  {
    id: 1001,
    name: 'Demo Organization',
    sslCertsApiEnabled: true,
    clientCertsApiEnabled: true,
    profileIds: ALL_PROFILE_IDS,
    departments: [
      {
        id: 1002,
        name: 'Demo Department',
        parentName: 'Demo Organization',
        sslCertsApiEnabled: true,
        clientCertsApiEnabled: true,
        // No EV for the department: enrolling 2005 here is SCM's -39.
        profileIds: ALL_PROFILE_IDS.filter((id) => id !== 2005),
      },
    ],
  },
  {
    id: 1003,
    name: 'SSL API Disabled Organization',
    sslCertsApiEnabled: false,
    clientCertsApiEnabled: true,
    profileIds: ALL_PROFILE_IDS,
    departments: [],
  },
  {
    id: 1004,
    name: 'No API Organization',
    sslCertsApiEnabled: false,
    clientCertsApiEnabled: false,
    profileIds: ALL_PROFILE_IDS,
    departments: [],
  },
];

export const DEFAULT_ORG_ID = 1001;

export const DEFAULT_SSL_CUSTOM_FIELDS: CustomField[] = [{ id: 101, name: 'Cost Center', mandatory: false }];
export const DEFAULT_SMIME_CUSTOM_FIELDS: CustomField[] = [{ id: 201, name: 'Employee ID', mandatory: false }];

/** An organization or one of its departments: both are valid `orgId`s. */
export function findOrgUnit(id: number): Department | Organization | undefined {
  for (const org of ORGANIZATIONS) {
    if (org.id === id) return org;
    const department = org.departments.find((d) => d.id === id);
    if (department) return department;
  }
  return undefined;
}

function profile(id: number, name: string, terms: number[], keyTypes: Record<string, string[]>): CertificateProfile {
  return { id, name, description: name, terms, keyTypes, useSecondaryOrgName: false, renewable: true };
}

/** The profile as SCM serializes it (`types` and the details' `certType`). */
export function profileView({ renewable: _hidden, ...wire }: CertificateProfile) {
  return wire;
}
