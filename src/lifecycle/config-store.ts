/**
 * SCM config entries under `config/<name>`: one SCM connection (URL,
 * credentials, organisation, the certificate family) plus enroll defaults.
 * Field names follow the Sectigo plugin, so a plugin JSON file is a valid entry.
 */
import { NotFoundError } from '../errors.js';
import { layout } from '../storage/layout.js';
import type { Storage } from '../storage/storage.js';
import type { CertificateType } from './record.js';

export type ScmAuthType = 'password' | 'oauth2' | 'client_cert';

export interface ConfigEntry {
  name: string;
  /** Normalised: `https://host` (or with a path prefix before `/api`). */
  sectigo_cm_base_url: string;
  sectigo_cm_user?: string;
  sectigo_cm_password?: string;
  /** SCM customerUri; also part of every certificate id. */
  sectigo_cm_uri: string;
  sectigo_cm_org_id: number;
  sectigo_config_type: CertificateType;
  sectigo_cm_auth_type: ScmAuthType;
  sectigo_cm_client_id?: string;
  sectigo_cm_client_secret?: string;
  sectigo_cm_token_url?: string;
  /** client_cert auth: the admin's certificate and key (PEM), presented to SCM on TLS; sealed, never shown. */
  sectigo_cm_client_cert?: string;
  sectigo_cm_client_key?: string;
  sectigo_verify_tls: boolean;
  sectigo_ca_bundle?: string;
  sectigo_proxy_url?: string;
  /** Enroll fields (`sectigo_ssl_cert_type`, `sectigo_max_timeout`, …) used when a request leaves them out. */
  enroll_defaults: Record<string, unknown>;
}

export class ConfigStore {
  constructor(private readonly storage: Storage) {}

  get(name: string): Promise<ConfigEntry | undefined> {
    return this.storage.get<ConfigEntry>(layout.config(name));
  }

  async require(name: string): Promise<ConfigEntry> {
    const entry = await this.get(name);
    if (entry === undefined) throw new NotFoundError(`config "${name}" not found`);
    return entry;
  }

  put(entry: ConfigEntry): Promise<void> {
    return this.storage.put(layout.config(entry.name), entry);
  }

  delete(name: string): Promise<void> {
    return this.storage.delete(layout.config(name));
  }

  list(): Promise<string[]> {
    return this.storage.list(layout.configs);
  }
}
