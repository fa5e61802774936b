import { isIP } from 'node:net';
import { contextPrimitive, octetString, oid, sequence } from './der.js';
import { PkiInputError } from './input-error.js';

// A DNS label, or a leading `*` label for wildcard certificates.
const DNS_NAME = /^(\*\.)?([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?\.?$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

export interface GeneralName {
  type: 'dns' | 'ip' | 'email';
  value: string;
}

/**
 * SANs come as bare values; the GeneralName type is inferred from the value
 * so an IP or a mailbox does not end up encoded as a DNS name. An explicit
 * `DNS:`, `IP:` or `email:` prefix, as OpenSSL writes them, is also honoured.
 */
export function toGeneralName(value: string): GeneralName {
  const entry = value.trim();
  const prefixed = /^(dns|ip|email):(.*)$/i.exec(entry);
  const kind = prefixed ? prefixed[1].toLowerCase() : isIP(entry) ? 'ip' : EMAIL.test(entry) ? 'email' : 'dns';
  const name = prefixed ? prefixed[2].trim() : entry;
  if (kind === 'ip') {
    // A zone index (`fe80::1%eth0`) names an interface of one host and has no place in a certificate.
    if (!isIP(name) || name.includes('%')) throw new PkiInputError('subjectAltNames', `${JSON.stringify(name)} is not an IP address`);
    return { type: 'ip', value: name };
  }
  if (kind === 'email') {
    if (!EMAIL.test(name)) throw new PkiInputError('subjectAltNames', `${JSON.stringify(name)} is not an email address`);
    // rfc822Name is an IA5String: other characters cannot be written into one.
    if (!PRINTABLE_ASCII.test(name)) throw new PkiInputError('subjectAltNames', `${JSON.stringify(name)} is not an ASCII email address`);
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

const SUBJECT_ALT_NAME_OID = '2.5.29.17';

/** The subjectAltName extension (RFC 5280 §4.2.1.6, not critical) for `names`, in their order. */
export function subjectAltNameExtension(names: readonly GeneralName[]): Uint8Array {
  const generalNames = names.map(({ type, value }) => {
    if (type === 'dns') return contextPrimitive(2, Buffer.from(value, 'ascii'));
    if (type === 'ip') return contextPrimitive(7, ipAddressBytes(value));
    return contextPrimitive(1, Buffer.from(value, 'ascii'));
  });
  return sequence(oid(SUBJECT_ALT_NAME_OID), octetString(sequence(...generalNames)));
}

/** Network-order bytes of a valid IPv4 or IPv6 address (4 or 16 bytes, RFC 5280's iPAddress). */
function ipAddressBytes(address: string): Uint8Array {
  if (isIP(address) === 4) return Uint8Array.from(address.split('.').map(Number));
  // An IPv6 address may end in a dotted IPv4 part (`::ffff:192.0.2.1`): turn it into two groups first.
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  const hexOnly = dotted
    ? `${address.slice(0, dotted.index)}${((+dotted[1] << 8) | +dotted[2]).toString(16)}:${((+dotted[3] << 8) | +dotted[4]).toString(16)}`
    : address;
  const [head, tail] = hexOnly.split('::');
  const groupsOf = (part: string | undefined) => (part ? part.split(':').map((group) => parseInt(group, 16)) : []);
  const front = groupsOf(head);
  const back = groupsOf(tail);
  const groups = tail === undefined ? front : [...front, ...new Array(8 - front.length - back.length).fill(0), ...back];
  const bytes = new Uint8Array(16);
  groups.forEach((group, index) => {
    bytes[index * 2] = group >> 8;
    bytes[index * 2 + 1] = group & 0xff;
  });
  return bytes;
}
