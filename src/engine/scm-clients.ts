/**
 * One ScmClient per config entry, built on first use and reused (keep-alive
 * sockets, cached OAuth2 token), all sharing the server's ONE SCM limiter so
 * the concurrency cap is global. A config write or delete must call
 * `invalidate`, or requests would keep using the old credentials.
 */
import { ScmClient, type ScmAuth, type ScmLimiter } from '../scm/index.js';
import { UserError } from '../framework/errors.js';

/** The connection fields of a config entry (SPEC §4.1). */
export interface ScmConnectionConfig {
  sectigo_cm_base_url: string;
  sectigo_cm_uri: string;
  sectigo_cm_auth_type?: 'password' | 'oauth2';
  sectigo_cm_user?: string;
  sectigo_cm_password?: string;
  sectigo_cm_client_id?: string;
  sectigo_cm_client_secret?: string;
  sectigo_cm_token_url?: string;
  sectigo_verify_tls?: boolean;
  sectigo_ca_bundle?: string;
  sectigo_proxy_url?: string;
}

export function scmAuthOf(config: ScmConnectionConfig): ScmAuth {
  if (config.sectigo_cm_auth_type === 'oauth2') {
    if (!config.sectigo_cm_client_id || !config.sectigo_cm_client_secret || !config.sectigo_cm_token_url) {
      throw new UserError('sectigo_cm_auth_type: oauth2 needs sectigo_cm_client_id, sectigo_cm_client_secret and sectigo_cm_token_url');
    }
    return {
      type: 'oauth2',
      clientId: config.sectigo_cm_client_id,
      clientSecret: config.sectigo_cm_client_secret,
      tokenUrl: config.sectigo_cm_token_url,
      customerUri: config.sectigo_cm_uri,
    };
  }
  return {
    type: 'password',
    login: config.sectigo_cm_user ?? '',
    password: config.sectigo_cm_password ?? '',
    customerUri: config.sectigo_cm_uri,
  };
}

export function buildScmClient(config: ScmConnectionConfig, limiter: ScmLimiter): ScmClient {
  return new ScmClient({
    baseUrl: config.sectigo_cm_base_url,
    auth: scmAuthOf(config),
    caBundle: config.sectigo_ca_bundle || undefined,
    verifyTls: config.sectigo_verify_tls ?? true,
    proxyUrl: config.sectigo_proxy_url || undefined,
    limiter,
  });
}

export class ScmClientCache {
  private readonly clients = new Map<string, ScmClient>();

  constructor(
    private readonly loadConfig: (name: string) => Promise<ScmConnectionConfig>,
    private readonly limiter: ScmLimiter,
  ) {}

  async get(name: string): Promise<ScmClient> {
    const cached = this.clients.get(name);
    if (cached) return cached;
    const client = buildScmClient(await this.loadConfig(name), this.limiter);
    // Two first uses may race; keep one client and close the other.
    const raced = this.clients.get(name);
    if (raced) {
      client.close();
      return raced;
    }
    this.clients.set(name, client);
    return client;
  }

  invalidate(name: string): void {
    this.clients.get(name)?.close();
    this.clients.delete(name);
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}
