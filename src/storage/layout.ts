/**
 * Every storage key scmpki writes, in one place (as Vault's PKI engine keeps
 * its prefixes as constants): the typed stores build their keys here and
 * nowhere else, so a new index or a second backend changes one file.
 * Keys are not encrypted: never put a secret into one (tokens are stored
 * under their hash, idempotency keys under theirs).
 *
 *   core/seal-check                    opens only with the right seal key
 *   core/keyring                       the data keys by term, sealed with the seal key itself (keyring.ts)
 *   core/cluster-id                    this server's cluster id
 *   core/root-token-issued             the first start created the root token
 *   core/token-index-version           which token index layout the token entries have
 *   token/<sha256(token)>              token entries
 *   token-accessor/<accessor>          an accessor's token: the sha256 of the token (never the token)
 *   policy/<name>                      ACL policies (text and parsed rules)
 *   config/<name>                      SCM config entries
 *   cert/<config>/<cert_unique_id>     certificate records
 *   chain/<sha256>                     a CA chain, shared by every record it issued
 *   profile/<config>/<type_id>         downloaded SCM profiles
 *   idempotency/<config>/<sha256(key)> enroll idempotency entries (24 h)
 *   intent/<config>/<intent id>        order intents: an enroll's key and CSR, written
 *                                      before SCM is called, gone once the record is stored
 *   audit/device/<name>                an enabled audit device: its options and its HMAC salt
 *   core/auth-methods                  the auth methods enabled besides token (sys/auth)
 *   approle/role/<name>                AppRole roles
 *   approle/role-id/<sha256(role_id)>  which role a role_id belongs to
 *   approle/secret-id/<role>/<sha256(secret_id)>  a secret ID's entry (never the secret ID)
 *   approle/secret-id-accessor/<role>/<accessor>  a secret ID accessor: the sha256 of its secret ID
 *   mount/<path>                       a Vault-PKI-style engine mounted at <path> (sys/mounts/<path>)
 *   core/pki-default-mounted           the default PKI mount was created once (so unmounting it sticks)
 *   pki-role/<mount>/<name>            a PKI role of that mount: which config entry it orders with, its name rules
 *
 * Index entries, stored clear (storage.ts) and written in the same batch as
 * what they index:
 *   core/index-version                 which index layout the records have
 *   index/records/<config>/<id>        a record's summary: domain, status, SANs, auto-renew, renewal in flight,
 *                                      successor, imported, last SCM error, not_after (record-index.ts)
 *   index/record-due/<config>/<id>     the due and serial keys the record has now, so its next write can remove them
 *   index/serial/<hex serial>          an issued record's config and id, found by its serial (PKI `cert/<serial>`)
 *   index/due/<kind>/<ms>/<config>/<id>  when background work on a record is due (kind: collect,
 *                                      renew, sync); <ms> is epoch ms, zero-padded so keys sort by time
 *   index/expires/idempotency/<ms>/<config>/<sha256(key)>  when an idempotency entry may be swept
 *   token-parent/<parent accessor>/<child accessor>  the token tree: revoking a token finds its children here
 *   index/expires/token/<ms>/<accessor>  when a token expires, so expired tokens are swept
 *   index/expires/approle-secret-id/<ms>/<role>/<accessor>  when a secret ID expires, so it is swept
 */
export const layout = {
  sealCheck: 'core/seal-check',
  keyring: 'core/keyring',
  clusterId: 'core/cluster-id',
  rootTokenIssued: 'core/root-token-issued',

  tokenIndexVersion: 'core/token-index-version',
  tokens: 'token/',
  token: (tokenHash: string) => `token/${tokenHash}`,
  tokenAccessor: (accessor: string) => `token-accessor/${accessor}`,
  tokenChildren: (parentAccessor: string) => `token-parent/${parentAccessor}/`,
  tokenChild: (parentAccessor: string, childAccessor: string) => `token-parent/${parentAccessor}/${childAccessor}`,
  tokenExpiries: 'index/expires/token/',
  tokenExpiry: (atMs: number, accessor: string) => `index/expires/token/${sortableTime(atMs)}/${accessor}`,
  /** Token expiry keys up to and including `untilMs`: `[tokenExpiries, tokenExpiredUntil(untilMs))`. */
  tokenExpiredUntil: (untilMs: number) => `index/expires/token/${sortableTime(untilMs + 1)}`,

  policies: 'policy/',
  policy: (name: string) => `policy/${name}`,

  configs: 'config/',
  config: (name: string) => `config/${name}`,

  /** The folder of every config's records: lists the configs that hold any. */
  recordConfigs: 'cert/',
  records: (config: string) => `cert/${config}/`,
  record: (config: string, id: string) => `cert/${config}/${id}`,

  chain: (sha256: string) => `chain/${sha256}`,

  profiles: (config: string) => `profile/${config}/`,
  profile: (config: string, typeId: number | string) => `profile/${config}/${typeId}`,

  idempotencyConfigs: 'idempotency/',
  idempotencyEntries: (config: string) => `idempotency/${config}/`,
  idempotency: (config: string, keyHash: string) => `idempotency/${config}/${keyHash}`,

  intentConfigs: 'intent/',
  intents: (config: string) => `intent/${config}/`,
  intent: (config: string, id: string) => `intent/${config}/${id}`,

  mounts: 'mount/',
  mount: (path: string) => `mount/${path}`,
  pkiDefaultMounted: 'core/pki-default-mounted',
  pkiRoles: (mount: string) => `pki-role/${mount}/`,
  pkiRole: (mount: string, name: string) => `pki-role/${mount}/${name}`,

  auditDevices: 'audit/device/',
  auditDevice: (name: string) => `audit/device/${name}`,

  authMethods: 'core/auth-methods',
  appRoles: 'approle/role/',
  appRole: (name: string) => `approle/role/${name}`,
  appRoleId: (roleIdHash: string) => `approle/role-id/${roleIdHash}`,
  secretIds: (role: string) => `approle/secret-id/${role}/`,
  secretId: (role: string, secretIdHash: string) => `approle/secret-id/${role}/${secretIdHash}`,
  secretIdAccessors: (role: string) => `approle/secret-id-accessor/${role}/`,
  secretIdAccessor: (role: string, accessor: string) => `approle/secret-id-accessor/${role}/${accessor}`,
  secretIdExpiries: 'index/expires/approle-secret-id/',
  secretIdExpiry: (atMs: number, role: string, accessor: string) => `index/expires/approle-secret-id/${sortableTime(atMs)}/${role}/${accessor}`,
  /** Secret ID expiry keys up to and including `untilMs`. */
  secretIdExpiredUntil: (untilMs: number) => `index/expires/approle-secret-id/${sortableTime(untilMs + 1)}`,

  indexVersion: 'core/index-version',
  allRecordSummaries: 'index/records/',
  recordSummaries: (config: string) => `index/records/${config}/`,
  recordSummary: (config: string, id: string) => `index/records/${config}/${id}`,
  recordDue: (config: string, id: string) => `index/record-due/${config}/${id}`,
  serials: 'index/serial/',
  /** `hex`: lower-case, no separators (record-index.ts serialIndexKey). */
  serial: (hex: string) => `index/serial/${hex}`,
  dueKind: (kind: DueKind) => `index/due/${kind}/`,
  due: (kind: DueKind, atMs: number, config: string, id: string) => `index/due/${kind}/${sortableTime(atMs)}/${config}/${id}`,
  /** Due keys of a kind up to and including `untilMs`: `[dueKind(kind), dueUntil(kind, untilMs))`. */
  dueUntil: (kind: DueKind, untilMs: number) => `index/due/${kind}/${sortableTime(untilMs + 1)}`,
  idempotencyExpiries: 'index/expires/idempotency/',
  idempotencyExpiry: (atMs: number, config: string, keyHash: string) => `index/expires/idempotency/${sortableTime(atMs)}/${config}/${keyHash}`,
  idempotencyExpiredBefore: (untilMs: number) => `index/expires/idempotency/${sortableTime(untilMs)}`,
} as const;

export type DueKind = 'collect' | 'renew' | 'sync';

/** Epoch ms as 15 digits, so that keys sort in time order. */
function sortableTime(ms: number): string {
  return String(Math.max(0, Math.floor(ms))).padStart(15, '0');
}

/** The parts of a due or expiry key after its kind's prefix: `<ms>/<config>/<id>`. */
export function parseTimedKey(key: string, prefix: string): { atMs: number; config: string; id: string } {
  const [at, config, id] = key.slice(prefix.length).split('/');
  return { atMs: Number(at), config: config!, id: id! };
}
