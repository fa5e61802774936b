/**
 * One ScmClient per config entry, built on first use and reused (keep-alive
 * sockets, cached OAuth2 token), all sharing the server's ONE SCM limiter so
 * the concurrency cap is global. Each use is given the entry the request
 * read and compares its connection fields with the ones the client was built
 * from, so a config write takes effect on the next call without the configs
 * path having to know about this cache.
 */
import { createHash } from 'node:crypto';
import { ScmClient, type ScmAuth, type ScmLimiter, type ScmRequestEvent } from '../scm/index.js';
import { UserError } from '../errors.js';

/** The connection fields of a config entry (SPEC §4.1). */
export interface ScmConnectionConfig {
  sectigo_cm_base_url: string;
  sectigo_cm_uri: string;
  sectigo_cm_auth_type?: 'password' | 'oauth2' | 'client_cert';
  sectigo_cm_user?: string;
  sectigo_cm_password?: string;
  sectigo_cm_client_id?: string;
  sectigo_cm_client_secret?: string;
  sectigo_cm_token_url?: string;
  sectigo_cm_client_cert?: string;
  sectigo_cm_client_key?: string;
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
  if (config.sectigo_cm_auth_type === 'client_cert') {
    if (!config.sectigo_cm_user || !config.sectigo_cm_client_cert || !config.sectigo_cm_client_key) {
      throw new UserError('sectigo_cm_auth_type: client_cert needs sectigo_cm_user, sectigo_cm_client_cert and sectigo_cm_client_key');
    }
    return {
      type: 'client_cert',
      login: config.sectigo_cm_user,
      customerUri: config.sectigo_cm_uri,
      certificatePem: config.sectigo_cm_client_cert,
      privateKeyPem: config.sectigo_cm_client_key,
    };
  }
  return {
    type: 'password',
    login: config.sectigo_cm_user ?? '',
    password: config.sectigo_cm_password ?? '',
    customerUri: config.sectigo_cm_uri,
  };
}

/** Told of every attempt of every SCM call (metrics, debug lines); never given a header or body. */
export type ScmObserver = (event: ScmRequestEvent) => void;

export function buildScmClient(config: ScmConnectionConfig, limiter: ScmLimiter, onRequest?: ScmObserver): ScmClient {
  return new ScmClient({
    baseUrl: config.sectigo_cm_base_url,
    auth: scmAuthOf(config),
    caBundle: config.sectigo_ca_bundle || undefined,
    verifyTls: config.sectigo_verify_tls ?? true,
    proxyUrl: config.sectigo_proxy_url || undefined,
    limiter,
    onRequest,
  });
}

const CONNECTION_FIELDS: ReadonlyArray<keyof ScmConnectionConfig> = [
  'sectigo_cm_base_url', 'sectigo_cm_uri', 'sectigo_cm_auth_type', 'sectigo_cm_user', 'sectigo_cm_password',
  'sectigo_cm_client_id', 'sectigo_cm_client_secret', 'sectigo_cm_token_url', 'sectigo_cm_client_cert', 'sectigo_cm_client_key', 'sectigo_verify_tls',
  'sectigo_ca_bundle', 'sectigo_proxy_url',
];

/** A hash, so the cache never holds a second copy of the password in clear. */
function fingerprint(config: ScmConnectionConfig): string {
  return createHash('sha256').update(JSON.stringify(CONNECTION_FIELDS.map((field) => config[field] ?? null))).digest('hex');
}

export class ScmClientCache {
  private readonly clients = new Map<string, { client: ScmClient; fingerprint: string }>();
  /** Replaced after a config write; closed with the cache (config writes are rare). */
  private readonly retired: ScmClient[] = [];

  constructor(
    private readonly limiter: ScmLimiter,
    private readonly onRequest?: ScmObserver,
  ) {}

  get(config: ScmConnectionConfig & { name: string }): ScmClient {
    const { name } = config;
    const current = fingerprint(config);
    const cached = this.clients.get(name);
    if (cached?.fingerprint === current) return cached.client;
    // The old client may still be serving calls that started before the
    // write; its sockets close when idle rather than being cut here.
    if (cached) this.retired.push(cached.client);
    const client = buildScmClient(config, this.limiter, this.onRequest);
    this.clients.set(name, { client, fingerprint: current });
    return client;
  }

  close(): void {
    for (const { client } of this.clients.values()) client.close();
    for (const client of this.retired.splice(0)) client.close();
    this.clients.clear();
  }
}

/** `configs/<name>` with `verify=true`: SCM must accept the credentials (GET types) before they are stored. */
export async function verifyScmCredentials(
  config: ScmConnectionConfig & { sectigo_cm_org_id: number; sectigo_config_type: 'ssl_cert' | 'client_cert' },
  limiter: ScmLimiter,
  signal: AbortSignal,
  onRequest?: ScmObserver,
): Promise<void> {
  const client = buildScmClient(config, limiter, onRequest);
  try {
    if (config.sectigo_config_type === 'client_cert') await client.listSmimeTypes(config.sectigo_cm_org_id, { signal });
    else await client.listSslTypes(config.sectigo_cm_org_id, { signal });
  } finally {
    client.close();
  }
}
