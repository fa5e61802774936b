import { isIP } from 'node:net';
import type { JsonGeneralName } from '@peculiar/x509';
import { PkiInputError } from './input-error.js';

// A DNS label, or a leading `*` label for wildcard certificates.
const DNS_NAME = /^(\*\.)?([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?\.?$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/**
 * SANs come as bare values; the GeneralName type is inferred from the value so an IP or a
 * mailbox does not end up encoded as a DNS name. An explicit `DNS:`, `IP:` or
 * `email:` prefix, as OpenSSL writes them, is also honoured.
 */
export function toGeneralName(value: string): JsonGeneralName {
  const entry = value.trim();
  const prefixed = /^(dns|ip|email):(.*)$/i.exec(entry);
  const kind = prefixed ? prefixed[1].toLowerCase() : isIP(entry) ? 'ip' : EMAIL.test(entry) ? 'email' : 'dns';
  const name = prefixed ? prefixed[2].trim() : entry;
  if (kind === 'ip') {
    if (!isIP(name)) throw new PkiInputError('subjectAltNames', `${JSON.stringify(name)} is not an IP address`);
    return { type: 'ip', value: name };
  }
  if (kind === 'email') {
    if (!EMAIL.test(name)) throw new PkiInputError('subjectAltNames', `${JSON.stringify(name)} is not an email address`);
    return { type: 'email', value: name };
  }
  if (name.length > 253 || !DNS_NAME.test(name)) {
    throw new PkiInputError('subjectAltNames', `${JSON.stringify(name)} is not a valid DNS name`);
  }
  return { type: 'dns', value: name };
}

/** Splits a comma string (or an array), dropping empty entries and duplicates. */
export function splitSubjectAltNames(input: string | readonly string[] | undefined): string[] {
  const entries = typeof input === 'string' ? input.split(',') : (input ?? []);
  return [...new Set(entries.map((entry) => entry.trim()).filter((entry) => entry !== ''))];
}
