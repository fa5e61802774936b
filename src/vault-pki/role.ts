/**
 * A PKI role (`<mount>/roles/<name>`): Vault's issuance policy (which names,
 * which key, how long) plus the one thing SCM needs that Vault does not, the
 * scmpki config entry the role orders with. Stored under
 * `pki-role/<mount>/<name>`; deleted with its mount.
 */
import { UserError } from '../errors.js';
import type { FieldSchema } from '../field-schema.js';
import { layout } from '../storage/layout.js';
import type { BatchOp, Storage } from '../storage/storage.js';

export type RoleKeyType = 'rsa' | 'ec' | 'any';

export interface PkiRole {
  /** The scmpki config entry (SCM connection, profile, term) orders are placed with. */
  config: string;
  allowed_domains: string[];
  allow_subdomains: boolean;
  allow_glob_domains: boolean;
  allow_bare_domains: boolean;
  allow_any_name: boolean;
  allow_localhost: boolean;
  enforce_hostnames: boolean;
  allow_ip_sans: boolean;
  allowed_uri_sans: string[];
  key_type: RoleKeyType;
  /** 0: the key type's usual size (RSA 2048, EC P-256). */
  key_bits: number;
  /** Seconds; 0: the config entry's term. */
  ttl: number;
  /** Seconds; 0: no limit beyond the profile's terms. */
  max_ttl: number;
  no_store: boolean;
  generate_lease: boolean;
}

/** Vault's defaults for a role written without the field. */
const ROLE_DEFAULTS: Omit<PkiRole, 'config'> = {
  allowed_domains: [],
  allow_subdomains: false,
  allow_glob_domains: false,
  allow_bare_domains: false,
  allow_any_name: false,
  allow_localhost: true,
  enforce_hostnames: true,
  allow_ip_sans: true,
  allowed_uri_sans: [],
  key_type: 'rsa',
  key_bits: 0,
  ttl: 0,
  max_ttl: 0,
  no_store: false,
  generate_lease: false,
};

const flag = (description: string): FieldSchema => ({ type: 'boolean', description });
const list = (description: string): FieldSchema => ({ type: 'array', items: { type: 'string', maxLength: 1024 }, maxItems: 1000, description });

export const roleFields = {
  config: { type: 'string', maxLength: 128, description: 'The scmpki config entry (configs/<name> of the Sectigo engine) whose SCM connection, profile and term orders use' },
  allowed_domains: list('Domains the role may issue for; see allow_bare_domains, allow_subdomains, allow_glob_domains'),
  allow_subdomains: flag('Names under an allowed domain (a.example.com for example.com), wildcards included'),
  allow_glob_domains: flag('allowed_domains may hold globs such as "ftp*.example.com"'),
  allow_bare_domains: flag('An allowed domain itself may be a name'),
  allow_any_name: flag('Any name, regardless of allowed_domains (enforce_hostnames still applies); also permits sign-verbatim'),
  allow_localhost: flag('"localhost" and "localdomain" are allowed (default true)'),
  enforce_hostnames: flag('Names must be valid host names (default true)'),
  allow_ip_sans: flag('IP subject alternative names are allowed (default true)'),
  allowed_uri_sans: list('Globs of URI subject alternative names the role allows (default: none)'),
  key_type: { type: 'string', enum: ['rsa', 'ec', 'any'], description: 'Key type of issued and signed certificates: rsa (default), ec, or any (sign only)' },
  key_bits: { type: 'integer', enum: [0, 256, 384, 521, 2048, 3072, 4096], description: 'RSA bits or EC curve size; 0 for the type\'s usual size' },
  ttl: { type: ['string', 'integer'], description: 'Default lifetime: seconds or a Go duration ("720h"); mapped onto the shortest SCM term at least this long. Default: the config entry\'s term' },
  max_ttl: { type: ['string', 'integer'], description: 'Longest lifetime a request may ask for; an SCM term above it is refused' },
  no_store: flag('Do not keep the private key scmpki generated for issue once it has been returned (the record itself stays: SCM orders are collected and revoked through it)'),
  generate_lease: flag('Accepted for compatibility; scmpki hands out no leases (revoke with revoke)'),
} satisfies Record<string, FieldSchema>;

/** A role as written: the request's fields over the stored role (an update keeps what it leaves out), over Vault's defaults. */
export function roleFromRequest(data: Record<string, unknown>, existing: PkiRole | undefined, durations: { ttl: number | undefined; max_ttl: number | undefined }): PkiRole {
  const role: PkiRole = { ...ROLE_DEFAULTS, ...(existing ?? {}), config: existing?.config ?? '' };
  for (const name of Object.keys(ROLE_DEFAULTS) as Array<keyof typeof ROLE_DEFAULTS>) {
    if (name === 'ttl' || name === 'max_ttl') continue;
    if (data[name] !== undefined) (role as unknown as Record<string, unknown>)[name] = data[name];
  }
  if (typeof data.config === 'string' && data.config !== '') role.config = data.config;
  if (durations.ttl !== undefined) role.ttl = durations.ttl;
  if (durations.max_ttl !== undefined) role.max_ttl = durations.max_ttl;
  if (role.config === '') throw new UserError('config: required: the scmpki config entry this role orders certificates with');
  if (role.max_ttl > 0 && role.ttl > role.max_ttl) throw new UserError('ttl: the role\'s ttl cannot be longer than its max_ttl');
  if (role.key_type === 'rsa' && ![0, 2048, 3072, 4096].includes(role.key_bits)) throw new UserError(`key_bits: ${role.key_bits} is not an RSA size (2048, 3072, 4096)`);
  if (role.key_type === 'ec' && ![0, 256, 384, 521].includes(role.key_bits)) throw new UserError(`key_bits: ${role.key_bits} is not an EC curve size (256, 384, 521)`);
  return role;
}

export class RoleStore {
  constructor(private readonly storage: Storage) {}

  get(mount: string, name: string): Promise<PkiRole | undefined> {
    return this.storage.get<PkiRole>(layout.pkiRole(mount, name));
  }

  async require(mount: string, name: string): Promise<PkiRole> {
    const role = await this.get(mount, name);
    // Vault's own words for a sign or issue against a missing role.
    if (!role) throw new UserError(`unknown role: ${name}`);
    return role;
  }

  put(mount: string, name: string, role: PkiRole): Promise<void> {
    return this.storage.put(layout.pkiRole(mount, name), role);
  }

  delete(mount: string, name: string): Promise<void> {
    return this.storage.delete(layout.pkiRole(mount, name));
  }

  list(mount: string): Promise<string[]> {
    return this.storage.list(layout.pkiRoles(mount));
  }

  /** Deletes every role of a mount (unmount), as operations for the unmount's batch. */
  async deleteAllOps(mount: string): Promise<BatchOp[]> {
    return (await this.list(mount)).map((name) => ({ type: 'del' as const, key: layout.pkiRole(mount, name) }));
  }
}
