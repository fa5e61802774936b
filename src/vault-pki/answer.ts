/**
 * Records in the shapes Vault's PKI engine answers with: `certificate`,
 * `issuing_ca`, `ca_chain`, `serial_number` as lower-case colon hex,
 * `expiration` in Unix seconds, and for `issue` the key and its type.
 * cert-manager joins `ca_chain`, `issuing_ca` and `certificate` into one
 * chain; hvac and Terraform read the fields by name.
 */
import { currentStatus, type CertificateRecord } from '../lifecycle/record.js';
import { serialHex } from '../lifecycle/record-index.js';
import { readPrivateKey } from '../pki/index.js';

/** `0A:1B:…` (SCM's and the record's form) → `0a:1b:…` (Vault's). */
export function vaultSerial(serial: string): string {
  const hex = serialHex(serial) ?? '';
  return hex.replace(/(..)(?=.)/g, '$1:');
}

function unixSeconds(rfc3339: string): number {
  const ms = Date.parse(rfc3339);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

export function privateKeyType(privateKeyPem: string): 'rsa' | 'ec' {
  return readPrivateKey(privateKeyPem).asymmetricKeyType === 'ec' ? 'ec' : 'rsa';
}

export function issuedCertificateData(record: CertificateRecord, withKey: boolean): Record<string, unknown> {
  return {
    certificate: record.leaf_certificate,
    issuing_ca: record.ca_chain[0] ?? '',
    ca_chain: record.ca_chain,
    serial_number: vaultSerial(record.serial_number),
    expiration: unixSeconds(record.not_after),
    ...(withKey && record.private_key !== '' && { private_key: record.private_key, private_key_type: privateKeyType(record.private_key) }),
  };
}

/** When the record was revoked (RFC 3339), if it is. */
export function revokedAt(record: CertificateRecord): string | undefined {
  if (currentStatus(record) !== 'Revoked') return undefined;
  return [...record.state].reverse().find((entry) => entry.status === 'Revoked')?.time_stamp;
}

/** Vault's pair of revocation fields: Unix seconds (0 when not revoked) and RFC 3339. */
export function revocationFields(at: string | undefined): { revocation_time: number; revocation_time_rfc3339: string } {
  return { revocation_time: at ? unixSeconds(at) : 0, revocation_time_rfc3339: at ?? '' };
}

/** `cert/<serial>`: the certificate and, once revoked, when. */
export function storedCertificateData(record: CertificateRecord): Record<string, unknown> {
  return {
    certificate: record.leaf_certificate,
    ca_chain: record.ca_chain,
    ...revocationFields(revokedAt(record)),
    serial_number: vaultSerial(record.serial_number),
  };
}
