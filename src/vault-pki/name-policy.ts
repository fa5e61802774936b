/**
 * A role's name rules, read as Vault's PKI engine reads them (validateNames in
 * its cert_util.go): each name must be a host name when enforce_hostnames is
 * on, then be localhost (allow_localhost), any name (allow_any_name), an
 * allowed domain itself (allow_bare_domains), a name under one
 * (allow_subdomains) or a glob match (allow_glob_domains). Errors use Vault's
 * words, so tooling that matches them keeps working.
 */
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import { UserError } from '../errors.js';
import type { PkiRole } from './role.js';

/** Vault's hostnameRegex. */
const HOSTNAME = /^(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])\.)*([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])\.?$/;

/** Vault's glob: `*` stands for any run of characters, dots included. */
function globMatches(pattern: string, name: string): boolean {
  const source = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${source}$`, 'i').test(name);
}

function isAllowedName(role: PkiRole, name: string): boolean {
  // An e-mail address is checked by its domain, a wildcard by the name under it.
  const domain = name.includes('@') ? name.slice(name.lastIndexOf('@') + 1) : name;
  const wildcard = domain.startsWith('*.');
  const base = wildcard ? domain.slice(2) : domain;
  if (role.enforce_hostnames && !HOSTNAME.test(domainToASCII(base) || base)) return false;
  const lower = domain.toLowerCase();
  if (role.allow_localhost && (lower === 'localhost' || lower === 'localdomain' || lower.endsWith('.localhost'))) return true;
  if (role.allow_any_name) return true;
  return role.allowed_domains.some((allowed) => {
    const a = allowed.toLowerCase();
    if (role.allow_bare_domains && lower === a) return true;
    if (role.allow_subdomains && (lower.endsWith(`.${a}`) || (wildcard && base.toLowerCase() === a))) return true;
    return role.allow_glob_domains && a.includes('*') && globMatches(a, lower);
  });
}

export interface RequestedNames {
  commonName: string;
  /** DNS names and e-mail addresses. */
  altNames: string[];
  ipSans: string[];
  uriSans: string[];
}

/** Throws a UserError in Vault's words for the first name the role does not allow. */
export function checkNamesAgainstRole(role: PkiRole, names: RequestedNames, source: 'CSR' | 'the API'): void {
  if (names.commonName !== '' && !isAllowedName(role, names.commonName)) {
    throw new UserError(`common name ${names.commonName} not allowed by this role`);
  }
  const badAlt = names.altNames.find((name) => !name.includes('@') && !isAllowedName(role, name));
  if (badAlt !== undefined) throw new UserError(`subject alternate name ${badAlt} not allowed by this role`);
  const badEmail = names.altNames.find((name) => name.includes('@') && !isAllowedName(role, name));
  if (badEmail !== undefined) throw new UserError(`email address ${badEmail} not allowed by this role`);
  if (names.ipSans.length > 0) {
    if (!role.allow_ip_sans) {
      throw new UserError(
        source === 'CSR'
          ? 'IP Subject Alternative Names are not allowed in this role, but was provided some via CSR'
          : `IP Subject Alternative Names are not allowed in this role, but was provided [${names.ipSans.join(' ')}]`,
      );
    }
    const badIp = names.ipSans.find((ip) => isIP(ip) === 0);
    if (badIp !== undefined) throw new UserError(`the value '${badIp}' is not a valid IP address`);
  }
  if (names.uriSans.length > 0) {
    if (role.allowed_uri_sans.length === 0) {
      throw new UserError(`URI Subject Alternative Names are not allowed in this role, but were provided via ${source}`);
    }
    if (names.uriSans.some((uri) => !role.allowed_uri_sans.some((allowed) => globMatches(allowed, uri)))) {
      throw new UserError('URI Subject Alternative Names were provided via CSR which are not valid for this role');
    }
  }
}
