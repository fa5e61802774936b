/**
 * A stored certificate as a PKCS#12 key store (`pkcs12/<config>/<id>`, the
 * CLI's and the agent's `.p12` output). It reads storage only, following
 * renewals to the newest certificate as `certs/` does, so a host keeps one id.
 */
import { ConflictError, UserError } from '../errors.js';
import { buildPkcs12, type Pkcs12Encryption } from '../pki/index.js';
import { currentStatus, type CertificateRecord } from './record.js';
import type { Deps } from './services.js';

export interface KeyStoreRequest {
  password: string;
  /** The alias Java's keytool and Windows show; default: the record's cert_unique_id. */
  friendly_name?: string;
  encryption?: Pkcs12Encryption;
}

export interface KeyStore {
  record: CertificateRecord;
  friendlyName: string;
  pkcs12: Buffer;
}

export async function keyStoreOf(deps: Deps<'records'>, config: string, id: string, request: KeyStoreRequest): Promise<KeyStore> {
  const { record } = await deps.records.newest(config, id);
  const friendlyName = request.friendly_name || record.cert_unique_id;
  return { record, friendlyName, pkcs12: await pkcs12OfRecord(record, request.password, friendlyName, request.encryption) };
}

/** The record's key, leaf and chain under `password`; refused when the record holds no key or no certificate yet. */
export async function pkcs12OfRecord(record: CertificateRecord, password: string, friendlyName: string, encryption?: Pkcs12Encryption): Promise<Buffer> {
  if (!record.leaf_certificate) {
    throw new ConflictError(`certificate ${record.cert_unique_id} has no certificate yet (state ${currentStatus(record)}); read certs/${record.config_name}/${record.cert_unique_id} to collect it`);
  }
  if (!record.private_key) {
    throw new UserError(
      `certificate ${record.cert_unique_id} holds no private key (it was enrolled with only a CSR, or fetched without one); a PKCS#12 key store needs the key`,
    );
  }
  return buildPkcs12({
    privateKeyPem: record.private_key,
    certificatePem: record.leaf_certificate,
    chainPems: record.ca_chain,
    password,
    friendlyName,
    encryption,
  });
}
