/**
 * configs/<config>: one SCM connection (URL, credentials, organisation, the
 * certificate family) plus optional enroll defaults, so per-request JSON can
 * stay short. Field names and typing quirks follow the Sectigo plugin
 * (reference/sectigo-vault-plugin.md §1.5, §6): `"sectigo_cm_org_id": "1234"`
 * is as good as 1234. Passwords and client secrets are write-only: a read
 * says whether one is set, never what it is. Writes merge onto the existing
 * entry, as Vault's config paths do, so rotating a password is one field.
 */
import { NotFoundError, UserError } from '../errors.js';
import { definePath, type PathDefinition } from '../framework/path.js';
import { ignoredFieldsWarning } from '../framework/validation.js';
import type { FieldSchema } from '../field-schema.js';
import { enrollFields } from '../lifecycle/enroll-request.js';
import { normalizeScmBaseUrl } from '../scm/base-url.js';
import { certificateMatchesKey, parseCertificate, splitPemChain } from '../pki/index.js';
import type { ConfigEntry } from '../lifecycle/config-store.js';
import type { EngineContext } from './context.js';

const SECRET_FIELDS = ['sectigo_cm_password', 'sectigo_cm_client_secret', 'sectigo_cm_client_cert', 'sectigo_cm_client_key'] as const;

/** Enroll fields that make no sense as a shared default (per-request material, or the connection's own fields). */
const NOT_DEFAULTS = new Set(['sectigo_csr', 'sectigo_private_key', 'idempotency_key', 'sectigo_cm_user', 'sectigo_cm_password', 'sectigo_cm_org_id']);

const defaultFields: Record<string, FieldSchema> = Object.fromEntries(
  Object.entries(enrollFields as Record<string, FieldSchema>).filter(([name]) => !NOT_DEFAULTS.has(name)),
);

const connectionFields = {
  sectigo_cm_base_url: { type: 'string', minLength: 1, maxLength: 2048, description: 'SCM URL: https://host, https://host/ or https://host/api/ssl/v1' },
  sectigo_cm_user: { type: 'string', minLength: 1, maxLength: 256, description: 'SCM API user (login header); required for password auth' },
  sectigo_cm_password: { type: 'string', minLength: 1, maxLength: 1024, secret: true, description: 'SCM API password; write-only' },
  sectigo_cm_uri: { type: 'string', minLength: 1, maxLength: 256, pattern: '^[A-Za-z0-9._-]+$', description: 'SCM customer URI (customerUri header)' },
  sectigo_cm_org_id: enrollFields.sectigo_cm_org_id,
  sectigo_config_type: { type: 'string', enum: ['ssl_cert', 'client_cert'], description: 'Certificate family of this config: ssl_cert or client_cert' },
  sectigo_cm_auth_type: {
    type: 'string',
    enum: ['password', 'oauth2', 'client_cert'],
    description: 'How to authenticate to SCM: password (default), oauth2 or client_cert',
  },
  sectigo_cm_client_id: { type: 'string', minLength: 1, maxLength: 256, description: 'OAuth2 client id (oauth2 auth)' },
  sectigo_cm_client_secret: { type: 'string', minLength: 1, maxLength: 1024, secret: true, description: 'OAuth2 client secret (oauth2 auth); write-only' },
  sectigo_cm_token_url: { type: 'string', format: 'uri', maxLength: 2048, description: 'OAuth2 token endpoint (oauth2 auth)' },
  sectigo_cm_client_cert: {
    type: 'string',
    maxLength: 65_536,
    pattern: '-----BEGIN CERTIFICATE-----',
    secret: true,
    description: 'PEM certificate of the SCM API admin (client_cert auth), presented on TLS to SCM; write-only',
  },
  sectigo_cm_client_key: {
    type: 'string',
    maxLength: 16_384,
    pattern: 'PRIVATE KEY-----',
    secret: true,
    description: 'PEM private key of sectigo_cm_client_cert (client_cert auth); write-only',
  },
  sectigo_verify_tls: { type: 'boolean', description: 'Verify SCM\'s TLS certificate (default true)' },
  sectigo_ca_bundle: { type: 'string', maxLength: 65_536, pattern: '-----BEGIN CERTIFICATE-----', description: 'PEM CA certificates to trust for SCM (private CA or TLS-inspecting proxy)' },
  sectigo_proxy_url: {
    type: 'string',
    format: 'uri',
    maxLength: 2048,
    secret: true,
    description: 'HTTPS proxy for calls to SCM (http://user:password@host:port); its password is write-only',
  },
} satisfies Record<string, FieldSchema>;

const fields: Record<string, FieldSchema> = {
  ...defaultFields,
  ...connectionFields,
  verify: { type: 'boolean', description: 'Check the credentials against SCM before storing (default false)' },
};

function normaliseBaseUrl(input: string): string {
  try {
    return normalizeScmBaseUrl(input).apiRoot.replace(/\/api$/, '');
  } catch (err) {
    if (err instanceof UserError) throw new UserError(`sectigo_cm_base_url: ${err.message}`);
    throw err;
  }
}

/**
 * The entry a write produces: `data` (already validated against the path's
 * fields) merged onto what is stored. Nothing is written.
 */
export function prepareConfig(existing: ConfigEntry | undefined, name: string, data: Record<string, unknown>): { entry: ConfigEntry; ignored: string[] } {
  const connection: Record<string, unknown> = { ...(existing ?? {}) };
  const defaults: Record<string, unknown> = { ...(existing?.enroll_defaults ?? {}) };
  const ignored: string[] = [];
  for (const [field, value] of Object.entries(data)) {
    if (field === 'verify') continue;
    if (field in connectionFields) connection[field] = value;
    // The plugin's JSON files carry more sectigo_* fields than we know; keep them as defaults.
    else if (field.startsWith('sectigo_') && !NOT_DEFAULTS.has(field)) defaults[field] = value;
    else ignored.push(field);
  }
  const entry = {
    sectigo_cm_auth_type: 'password',
    sectigo_verify_tls: true,
    ...connection,
    name,
    enroll_defaults: defaults,
  } as ConfigEntry;
  entry.sectigo_cm_base_url = entry.sectigo_cm_base_url && normaliseBaseUrl(entry.sectigo_cm_base_url);
  if (typeof data.sectigo_ca_bundle === 'string') checkCaBundle(data.sectigo_ca_bundle);
  if (entry.sectigo_cm_auth_type === 'client_cert' && entry.sectigo_cm_client_cert && entry.sectigo_cm_client_key) {
    checkClientCertificate(entry.sectigo_cm_client_cert, entry.sectigo_cm_client_key);
  }
  if (typeof data.sectigo_proxy_url === 'string') entry.sectigo_proxy_url = mergeProxyUrl(existing?.sectigo_proxy_url, data.sectigo_proxy_url);
  requireComplete(entry);
  return { entry, ignored };
}

/** Every certificate of the bundle must parse: TLS to SCM would otherwise fail on each call, far from the write. */
function checkCaBundle(bundle: string): void {
  const certificates = splitPemChain(bundle);
  if (certificates.length === 0) throw new UserError('sectigo_ca_bundle: no PEM certificate found');
  for (const pem of certificates) parseCertificate(pem, 'sectigo_ca_bundle');
}

/** A certificate TLS cannot present (unreadable, or not of this key) fails every call; refused at the write instead. */
function checkClientCertificate(certificatePem: string, privateKeyPem: string): void {
  const matches = certificateMatchesKey(certificatePem, privateKeyPem, { certificate: 'sectigo_cm_client_cert', privateKey: 'sectigo_cm_client_key' });
  if (!matches) throw new UserError('sectigo_cm_client_key: does not match the public key of sectigo_cm_client_cert');
}

/**
 * A proxy password is a credential like `sectigo_cm_password`: a read shows
 * the URL without it, so writing back what was read (user, host and port the
 * same, no password) keeps the stored one, as a password not resent is kept.
 */
function mergeProxyUrl(stored: string | undefined, written: string): string {
  const url = parseProxyUrl(written);
  if (url.password !== '' || !stored || url.username === '') return written;
  const before = parseProxyUrl(stored);
  const sameProxy = before.username === url.username && before.host === url.host && before.protocol === url.protocol;
  if (!sameProxy || before.password === '') return written;
  url.password = before.password;
  return url.toString();
}

function parseProxyUrl(text: string): URL {
  try {
    const url = new URL(text);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UserError(`sectigo_proxy_url: must be an http:// or https:// URL, not ${url.protocol}`);
    return url;
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError('sectigo_proxy_url: is not a URL');
  }
}

/** The proxy URL as a read shows it: no password. */
function redactedProxyUrl(stored: string): string {
  try {
    const url = new URL(stored);
    url.password = '';
    return url.toString();
  } catch {
    return '';
  }
}

const CREDENTIALS_NEEDED: Record<ConfigEntry['sectigo_cm_auth_type'], ReadonlyArray<keyof ConfigEntry>> = {
  password: ['sectigo_cm_user', 'sectigo_cm_password'],
  oauth2: ['sectigo_cm_client_id', 'sectigo_cm_client_secret'],
  client_cert: ['sectigo_cm_user', 'sectigo_cm_client_cert', 'sectigo_cm_client_key'],
};

function requireComplete(entry: ConfigEntry): void {
  const needed: Array<keyof ConfigEntry> = ['sectigo_cm_base_url', 'sectigo_cm_uri', 'sectigo_cm_org_id', 'sectigo_config_type'];
  needed.push(...CREDENTIALS_NEEDED[entry.sectigo_cm_auth_type]);
  const missing = needed.filter((field) => entry[field] === undefined || entry[field] === '');
  if (missing.length > 0) throw new UserError(missing.map((field) => `${field}: is required`).join('; '));
}

function proxyPasswordOf(stored: string): string {
  try {
    return new URL(stored).password;
  } catch {
    return '';
  }
}

/** What a read shows: everything but the secrets, and whether each secret is set. */
function publicView(entry: ConfigEntry): Record<string, unknown> {
  const { name: _name, enroll_defaults, ...connection } = entry;
  const view: Record<string, unknown> = { ...enroll_defaults, ...connection };
  for (const secret of SECRET_FIELDS) {
    delete view[secret];
    view[`${secret}_set`] = entry[secret] !== undefined;
  }
  if (entry.sectigo_proxy_url) {
    view.sectigo_proxy_url = redactedProxyUrl(entry.sectigo_proxy_url);
    view.sectigo_proxy_password_set = proxyPasswordOf(entry.sectigo_proxy_url) !== '';
  }
  return view;
}

export const configPath = definePath<EngineContext>({
  pattern: 'configs/:config',
  synopsis: 'An SCM connection (URL, credentials, organisation, certificate family) and enroll defaults',
  help: `Write creates or updates (fields merge onto the existing entry; a password not resent is kept).
Read never shows \`sectigo_cm_password\`, \`sectigo_cm_client_secret\`, \`sectigo_cm_client_cert\`,
\`sectigo_cm_client_key\` or the password in \`sectigo_proxy_url\`; it shows \`sectigo_cm_password_set: true\` (and
the other \`…_set\` fields, \`sectigo_proxy_password_set\`).
\`sectigo_cm_auth_type=client_cert\` logs in with an API admin's certificate (\`sectigo_cm_client_cert\`,
\`sectigo_cm_client_key\`, which must match) presented on TLS, \`sectigo_cm_user\` and no password, under SCM's
\`/private/api\` root (used whatever \`sectigo_cm_base_url\` says). Writing back the proxy URL as read
(same user, host and port, no password) keeps the stored proxy password.
Any enroll field (\`sectigo_ssl_cert_type\`, \`sectigo_max_timeout\`, …) stored here is a default for enrolls with this config.
\`verify=true\` checks the credentials against SCM first and stores nothing if SCM refuses them.
Delete removes the entry only; certificate records of the config stay.

    vault write sectigo-vault-pki/configs/web @config.json
    vault read sectigo-vault-pki/configs/web`,
  fields,
  keepsUnknownFields: true,
  operations: {
    read: async ({ params }, ctx) => {
      const entry = await ctx.lifecycle.configs.get(params.config);
      return entry ? { data: publicView(entry) } : undefined;
    },
    update: async ({ params, data, signal }, ctx) => {
      const { entry, ignored } = prepareConfig(await ctx.lifecycle.configs.get(params.config), params.config, data);
      if (data.verify === true) await ctx.verifyScmCredentials(entry, signal);
      await ctx.lifecycle.configs.put(entry);
      return ignored.length > 0 ? { warnings: [ignoredFieldsWarning(ignored.sort())] } : undefined;
    },
    delete: async ({ params }, ctx) => {
      await ctx.lifecycle.configs.delete(params.config);
    },
  },
});

export const configListPath = definePath<EngineContext>({
  pattern: 'configs',
  synopsis: 'Names of the SCM config entries',
  help: 'LIST (or GET ?list=true) returns the config names. An empty list is 404, as in Vault.',
  fields: {},
  operations: {
    list: async (_req, ctx) => ({ data: { keys: await ctx.lifecycle.configs.list() } }),
  },
});

