/**
 * Every storage key scmpki writes, in one place (as Vault's PKI engine keeps
 * its prefixes as constants): the typed stores build their keys here and
 * nowhere else, so a new index or a second backend changes one file.
 * Keys are not encrypted: never put a secret into one (tokens are stored
 * under their hash, idempotency keys under theirs).
 *
 *   core/seal-check                    opens only with the right seal key
 *   core/cluster-id                    this server's cluster id
 *   core/root-token-issued             the first start created the root token
 *   token/<sha256(token)>              token entries
 *   policy/<name>                      ACL policies (text and parsed rules)
 *   config/<name>                      SCM config entries
 *   cert/<config>/<cert_unique_id>     certificate records
 *   profile/<config>/<type_id>         downloaded SCM profiles
 *   idempotency/<config>/<sha256(key)> enroll idempotency entries (24 h)
 *   intent/<config>/<intent id>        order intents: an enroll's key and CSR, written
 *                                      before SCM is called, gone once the record is stored
 */
export const layout = {
  sealCheck: 'core/seal-check',
  clusterId: 'core/cluster-id',
  rootTokenIssued: 'core/root-token-issued',

  token: (tokenHash: string) => `token/${tokenHash}`,

  policies: 'policy/',
  policy: (name: string) => `policy/${name}`,

  configs: 'config/',
  config: (name: string) => `config/${name}`,

  /** The folder of every config's records: lists the configs that hold any. */
  recordConfigs: 'cert/',
  records: (config: string) => `cert/${config}/`,
  record: (config: string, id: string) => `cert/${config}/${id}`,

  profiles: (config: string) => `profile/${config}/`,
  profile: (config: string, typeId: number | string) => `profile/${config}/${typeId}`,

  idempotencyConfigs: 'idempotency/',
  idempotencyEntries: (config: string) => `idempotency/${config}/`,
  idempotency: (config: string, keyHash: string) => `idempotency/${config}/${keyHash}`,

  intentConfigs: 'intent/',
  intents: (config: string) => `intent/${config}/`,
  intent: (config: string, id: string) => `intent/${config}/${id}`,
} as const;
